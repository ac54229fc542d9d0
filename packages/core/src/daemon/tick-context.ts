import type { TickRecord } from "../automation-storage.ts";
import type { TickResult } from "../automation/types.ts";
import type { Definitions } from "../definitions.ts";
import { serializeError } from "../errors.ts";
import { ResourceScope } from "../execution/resource-scope.ts";
import { makeStepLogger } from "../logger.ts";
import type { InstanceStorage } from "../storage.ts";
import type { Clock } from "./clock.ts";
import { submitRunRequests } from "./submit-requests.ts";

/** What the scheduler and sensor loops share. */
export interface TickContext {
  readonly definitions: Definitions;
  readonly instance: InstanceStorage;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** Daemon log lines (not run events). */
  readonly log: (message: string) => void;
}

/** Sets up the resources an evaluation needs (with default config), and tears them down after. */
export async function withEvaluationResources<T>(
  context: TickContext,
  owner: string,
  keys: readonly string[],
  evaluate: (resources: Record<string, unknown>) => Promise<T>,
): Promise<T> {
  if (keys.length === 0) return evaluate({});
  const log = makeStepLogger((level, message) => context.log(`${owner}: [${level}] ${message}`));
  const scope = new ResourceScope(context.definitions, new Map(), `tick:${owner}`, log);
  try {
    return await evaluate(await scope.get(keys));
  } finally {
    await scope.teardown();
  }
}

/**
 * Applies a tick's result: dynamic partitions, then its run requests (each run key at most once), then the tick
 * record. The caller commits the cursor or the schedule's last tick only after this returns, so a daemon killed
 * mid-tick re-evaluates the tick and its run keys stop a second launch.
 */
export async function applyTickResult(
  context: TickContext,
  base: Pick<TickRecord, "instigator" | "kind" | "timestamp" | "cursorBefore">,
  result: TickResult,
  startedAt: number,
): Promise<TickRecord> {
  let tick: Omit<TickRecord, "durationMs">;
  if (result.error !== undefined) {
    tick = { ...base, status: "failure", runIds: [], error: { name: result.error.name ?? "Error", message: result.error.message, ...(result.error.stack ? { stack: result.error.stack } : {}) } };
  } else {
    try {
      for (const [name, keys] of Object.entries(result.dynamicPartitions?.add ?? {})) await context.instance.addDynamicPartitions(name, keys);
      for (const [name, keys] of Object.entries(result.dynamicPartitions?.delete ?? {})) {
        for (const key of keys) await context.instance.deleteDynamicPartition(name, key);
      }
      const submitted = await submitRunRequests(context.definitions, context.instance, base.instigator, result.runRequests, context.clock.now());
      const skipReason = result.skipReason ?? (result.runRequests.length > 0 && submitted.runIds.length === 0 ? "every requested run key has launched already" : undefined);
      tick = {
        ...base,
        status: submitted.runIds.length > 0 ? "success" : "skipped",
        runIds: submitted.runIds,
        ...(submitted.skippedRunKeys.length ? { skippedRunKeys: submitted.skippedRunKeys } : {}),
        ...(skipReason !== undefined ? { skipReason } : submitted.runIds.length === 0 ? { skipReason: "no run requested" } : {}),
        ...(result.cursor !== undefined || base.cursorBefore !== undefined ? { cursorAfter: result.cursor ?? base.cursorBefore } : {}),
      };
    } catch (error) {
      tick = { ...base, status: "failure", runIds: [], error: serializeError(error) };
    }
  }
  const full: TickRecord = { ...tick, durationMs: Math.round(performance.now() - startedAt), ...(result.logs.length ? { logs: result.logs } : {}) };
  await context.instance.addTick(full);
  if (full.status === "failure") context.log(`${base.kind} ${base.instigator}: tick failed: ${full.error?.message}`);
  return full;
}
