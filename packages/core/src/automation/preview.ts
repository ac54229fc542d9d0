import type { Definitions } from "../definitions.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import { didYouMean } from "../suggest.ts";
import { nextScheduleTick } from "./cron.ts";
import { evaluateScheduleTick } from "./evaluate-schedule.ts";
import { evaluateSensorTick } from "./evaluate-sensor.ts";
import type { InstanceReader, TickResult } from "./types.ts";

export interface PreviewOptions {
  readonly instance: InstanceReader;
  readonly resources?: Readonly<Record<string, unknown>>;
  readonly timeoutMs?: number;
}

function find<T>(kind: string, items: ReadonlyMap<string, T>, name: string): T {
  const found = items.get(name);
  if (found) return found;
  const known = [...items.keys()];
  throw new OrchError(ErrorCode.INVALID_DEFINITION, `No ${kind} named "${name}". Defined ${kind}s: ${known.length ? known.join(", ") : "(none)"}.${didYouMean(name, known)}`, {
    details: { [kind]: name },
  });
}

/**
 * Evaluates the schedule's tick due at `at` (or the first one after it; default now) without launching
 * anything: what `orch schedule preview` prints.
 */
export async function previewSchedule(definitions: Definitions, name: string, options: PreviewOptions & { readonly at?: number }): Promise<TickResult & { readonly scheduledTime: number | undefined }> {
  const schedule = find("schedule", definitions.schedules, name);
  const scheduledTime = nextScheduleTick(schedule, (options.at ?? Date.now()) - 1);
  if (scheduledTime === undefined) return { runRequests: [], skipReason: `cron "${schedule.cron}" has no tick after the given time`, logs: [], scheduledTime };
  const result = await evaluateScheduleTick(schedule, { ...options, scheduledTime, definitions });
  return { ...result, scheduledTime };
}

/** Evaluates a sensor with a given cursor (default: none) without launching or committing anything. */
export async function previewSensor(definitions: Definitions, name: string, options: PreviewOptions & { readonly cursor?: string; readonly now?: number; readonly lastTickAt?: number }): Promise<TickResult> {
  const sensor = find("sensor", definitions.sensors, name);
  return evaluateSensorTick(sensor, { ...options, cursor: options.cursor, lastTickAt: options.lastTickAt, now: options.now ?? Date.now(), definitions });
}
