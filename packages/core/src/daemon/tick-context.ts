import type { EnqueueRequest, InstigatorState, TickRecord } from "../automation-storage.ts";
import type { TickResult } from "../automation/types.ts";
import type { Definitions } from "../definitions.ts";
import { serializeError, type SerializedError } from "../errors.ts";
import { ResourceScope } from "../execution/resource-scope.ts";
import { makeStepLogger } from "../logger.ts";
import { buildQueuedRun } from "../queue/enqueue.ts";
import type { InstanceStorage } from "../storage.ts";
import type { Clock } from "./clock.ts";

/** What the scheduler and sensor loops share. */
export interface TickContext {
  readonly definitions: Definitions;
  readonly instance: InstanceStorage;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** Daemon log lines (not run events). */
  readonly log: (message: string) => void;
}

/** Evaluations in flight at once in one pass: slow sensors overlap, without a thousand at a time. */
export const EVALUATION_CONCURRENCY = 16;

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

/** One evaluated tick, waiting to be committed with the others of its pass. */
export interface EvaluatedTick {
  readonly base: Pick<TickRecord, "instigator" | "kind" | "timestamp" | "cursorBefore">;
  readonly result: TickResult;
  readonly durationMs: number;
  /** The schedule's or sensor's state once this tick is recorded (given the recorded tick). */
  readonly nextState: (tick: TickRecord) => InstigatorState;
}

interface Pending {
  tick: EvaluatedTick;
  /** The evaluation's own error (a run-status sensor may still return the cursor and requests before it). */
  evaluationError?: SerializedError;
  /** The daemon refused the tick's dynamic partitions or requests: nothing of it is applied, the cursor stays. */
  refused?: SerializedError;
  requests: { request: EnqueueRequest; runKey?: string }[];
  skippedRunKeys: string[];
}

/**
 * Commits a pass's ticks in three writes: every run requested (each run key at most once per instigator), then the
 * tick records, then the cursors and last-tick times. A daemon killed between them re-evaluates those ticks on
 * restart and the run keys stop a second launch. A result is applied whole, even with an error (its cursor and
 * requests are those of the work done before the error); a tick whose dynamic partitions or requests are refused
 * fails alone and keeps its cursor.
 */
export async function commitTicks(context: TickContext, ticks: readonly EvaluatedTick[]): Promise<TickRecord[]> {
  if (ticks.length === 0) return [];
  const { instance } = context;
  const now = context.clock.now();
  const pending: Pending[] = [];
  for (const tick of ticks) {
    const entry: Pending = { tick, requests: [], skippedRunKeys: [] };
    pending.push(entry);
    const { result } = tick;
    if (result.error !== undefined) {
      entry.evaluationError = { name: result.error.name ?? "Error", message: result.error.message, ...(result.error.stack ? { stack: result.error.stack } : {}) };
    }
    try {
      for (const [name, keys] of Object.entries(result.dynamicPartitions?.add ?? {})) await instance.addDynamicPartitions(name, keys);
      for (const [name, keys] of Object.entries(result.dynamicPartitions?.delete ?? {})) {
        for (const key of keys) await instance.deleteDynamicPartition(name, key);
      }
      for (const request of result.runRequests) {
        if (request.runKey !== undefined && (await instance.getRunIdForKey(tick.base.instigator, request.runKey)) !== undefined) {
          entry.skippedRunKeys.push(request.runKey);
          continue;
        }
        const run = await buildQueuedRun(
          context.definitions,
          instance,
          {
            ...("job" in request.target ? { jobName: request.target.job } : { selection: request.target.selection }),
            ...(request.partitionKey !== undefined ? { partitionKey: request.partitionKey } : {}),
            ...(request.partitionRange !== undefined ? { partitionRange: request.partitionRange } : {}),
            ...(request.config !== undefined ? { runConfig: request.config } : {}),
            tags: request.tags,
          },
          now,
        );
        const runKey = request.runKey === undefined ? undefined : { instigator: tick.base.instigator, key: request.runKey };
        entry.requests.push({ request: { run, ...(runKey ? { runKey } : {}) }, ...(request.runKey !== undefined ? { runKey: request.runKey } : {}) });
      }
    } catch (error) {
      entry.refused = serializeError(error);
      entry.requests = [];
      entry.skippedRunKeys = [];
    }
  }

  const outcomes = await instance.enqueueRuns(pending.flatMap((entry) => entry.requests.map((r) => r.request)));
  let at = 0;
  const records: TickRecord[] = pending.map((entry) => {
    const { tick } = entry;
    const runIds: string[] = [];
    for (const { runKey } of entry.requests) {
      const outcome = outcomes[at++]!;
      if (outcome.created) runIds.push(outcome.runId);
      else entry.skippedRunKeys.push(runKey!);
    }
    const error = entry.refused ?? entry.evaluationError;
    const cursorAfter = entry.refused ? tick.base.cursorBefore : (tick.result.cursor ?? tick.base.cursorBefore);
    const skipReason =
      error !== undefined || runIds.length > 0
        ? undefined
        : (tick.result.skipReason ?? (entry.skippedRunKeys.length > 0 ? "every requested run key has launched already" : "no run requested"));
    return {
      ...tick.base,
      durationMs: tick.durationMs,
      ...(tick.result.logs.length ? { logs: tick.result.logs } : {}),
      status: error !== undefined ? ("failure" as const) : runIds.length > 0 ? ("success" as const) : ("skipped" as const),
      runIds,
      ...(error !== undefined ? { error } : {}),
      ...(entry.skippedRunKeys.length ? { skippedRunKeys: entry.skippedRunKeys } : {}),
      ...(skipReason !== undefined ? { skipReason } : {}),
      ...(cursorAfter !== undefined ? { cursorAfter } : {}),
    };
  });
  await instance.addTicks(records);
  await instance.setInstigatorStates(records.map((record, i) => pending[i]!.tick.nextState(record)));
  for (const record of records) if (record.status === "failure") context.log(`${record.kind} ${record.instigator}: tick failed: ${record.error?.message}`);
  return records;
}
