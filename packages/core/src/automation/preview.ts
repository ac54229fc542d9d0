import type { Definitions } from "../definitions.ts";
import { findInstigator } from "../daemon/instigator-status.ts";
import { nextScheduleTick } from "./cron.ts";
import { evaluateScheduleTick } from "./evaluate-schedule.ts";
import { evaluateSensorTick } from "./evaluate-sensor.ts";
import type { InstanceReader, TickResult } from "./types.ts";

export interface PreviewOptions {
  readonly instance: InstanceReader;
  readonly resources?: Readonly<Record<string, unknown>>;
  readonly timeoutMs?: number;
}

/**
 * Evaluates the schedule's tick due at `at` (or the first one after it; default now) without launching
 * anything: what `orch schedule preview` prints.
 */
export async function previewSchedule(definitions: Definitions, name: string, options: PreviewOptions & { readonly at?: number }): Promise<TickResult & { readonly scheduledTime: number | undefined }> {
  findInstigator(definitions, "schedule", name); // refuses an unknown name, listing the known ones
  const schedule = definitions.schedules.get(name)!;
  const scheduledTime = nextScheduleTick(schedule, (options.at ?? Date.now()) - 1);
  if (scheduledTime === undefined) return { runRequests: [], skipReason: `cron "${schedule.cron}" has no tick after the given time`, logs: [], scheduledTime };
  const result = await evaluateScheduleTick(schedule, { ...options, scheduledTime, definitions });
  return { ...result, scheduledTime };
}

/** Evaluates a sensor with a given cursor (default: none) without launching or committing anything. */
export async function previewSensor(definitions: Definitions, name: string, options: PreviewOptions & { readonly cursor?: string; readonly now?: number; readonly lastTickAt?: number }): Promise<TickResult> {
  findInstigator(definitions, "sensor", name);
  const sensor = definitions.sensors.get(name)!;
  return evaluateSensorTick(sensor, { ...options, cursor: options.cursor, lastTickAt: options.lastTickAt, now: options.now ?? Date.now(), definitions });
}
