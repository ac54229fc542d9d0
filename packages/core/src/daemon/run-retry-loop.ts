import type { Definitions } from "../definitions.ts";
import { isOrchError } from "../errors.ts";
import { RUN_WORKER_CRASHED } from "../execution/crash-detection.ts";
import { enqueueReexecution, ReexecuteErrorCode } from "../execution/reexecute.ts";
import { RETRY_TAGS, runRetryPolicy, type RunRetryPolicy } from "../queue/run-retries.ts";
import { FINISHED_STATUSES, type RunRecord } from "../run-record.ts";
import type { InstanceStorage } from "../storage.ts";

/** Where the retry loop keeps its place in the event log (storage state), so a restarted daemon goes on from there. */
export const RUN_RETRY_STATE = { namespace: "orch/run_retries", key: "cursor" } as const;
/** The run-key instigator of retries: the key is the failed run's id, so each failed run is retried at most once. */
export const RUN_RETRY_INSTIGATOR = "orch/run_retries";

/** The run the daemon retried this failed run as, if it did: the retry's run key is the failed run's id. */
export function findRetry(instance: Pick<InstanceStorage, "getRunIdForKey">, failedRunId: string): Promise<string | undefined> {
  return instance.getRunIdForKey(RUN_RETRY_INSTIGATOR, failedRunId);
}

/** RUN_FAILURE events read per pass. */
const RETRY_BATCH = 1_000;

interface RetryCursor {
  /** The last RUN_FAILURE event read. */
  readonly afterId: number;
  /** Runs whose RUN_FAILURE was read before their record ended (the status is written last): judged next pass. */
  readonly pending: readonly string[];
}

export interface RetryPassOptions {
  readonly definitions: Definitions;
  readonly instance: InstanceStorage;
  /** orch.yaml's `runs.retries`; runs override it with their tags. */
  readonly policy: RunRetryPolicy;
  readonly log: (message: string) => void;
}

/** What one pass decided for each failed run it judged: the retry's id, or why it is not retried. */
export type RetryDecision =
  | { readonly runId: string; readonly retryRunId: string; /** false: an earlier pass had queued it (read again after a restart). */ readonly created: boolean }
  | { readonly runId: string; readonly skipped: string };

/**
 * One pass of the daemon's `retries` loop: reads RUN_FAILURE events after its cursor and enqueues a retry of each
 * run that ended FAILURE, as a new queued run linked to it (parent and root run ids, `orch/retry_number`), while its
 * policy allows: retries left, and either a crash (its worker died) or a step failure with `retryOnStepFailure`.
 * Canceled runs are never retried. `from_failure` re-runs only the steps that did not succeed. The retry's run key
 * is the failed run's id, so a pass repeated after a restart (or by a new leader) enqueues nothing twice.
 */
export async function retryFailedRuns(options: RetryPassOptions): Promise<RetryDecision[]> {
  const { instance } = options;
  const saved = await instance.getState(RUN_RETRY_STATE.namespace, RUN_RETRY_STATE.key);
  // Read first: every event up to it is committed (ids commit in order), so the query below sees all failures up to it.
  const latest = await instance.getLatestEventId();
  // First pass on this instance: failures from before retries were watched are history, not retried.
  const cursor: RetryCursor = saved !== undefined ? (JSON.parse(saved) as RetryCursor) : { afterId: latest, pending: [] };
  const events = await instance.getEventsAfter({ afterId: cursor.afterId, types: ["RUN_FAILURE"], limit: RETRY_BATCH });
  const decisions: RetryDecision[] = [];
  const pending: string[] = [];
  for (const runId of new Set([...cursor.pending, ...events.map((e) => e.runId)])) {
    const run = await instance.getRun(runId);
    if (run === undefined) continue;
    if (!FINISHED_STATUSES.has(run.status)) {
      pending.push(runId);
      continue;
    }
    if (run.status !== "FAILURE") continue;
    const decision = await retryRun(options, run);
    options.log(
      "retryRunId" in decision
        ? `run ${runId} failed: ${decision.created ? "retrying it as" : "already retried as"} run ${decision.retryRunId}`
        : `run ${runId} failed: not retried (${decision.skipped})`,
    );
    decisions.push(decision);
  }
  // A full batch may have more failures behind it; otherwise the log was read up to `latest`, and the next pass
  // scans only what came since, however long ago the last failure was.
  const next: RetryCursor = { afterId: events.length === RETRY_BATCH ? events.at(-1)!.id : Math.max(latest, cursor.afterId), pending };
  if (saved === undefined || next.afterId !== cursor.afterId || pending.join() !== cursor.pending.join()) {
    await instance.setState(RUN_RETRY_STATE.namespace, RUN_RETRY_STATE.key, JSON.stringify(next));
  }
  return decisions;
}

async function retryRun(options: RetryPassOptions, run: RunRecord): Promise<RetryDecision> {
  const { instance } = options;
  let read;
  try {
    read = runRetryPolicy(run.tags, options.policy);
  } catch (error) {
    return { runId: run.runId, skipped: (error as Error).message };
  }
  const { policy, retryNumber } = read;
  if (retryNumber >= policy.maxRetries) {
    return { runId: run.runId, skipped: policy.maxRetries === 0 ? "no retries configured" : `it was retry ${retryNumber} of ${policy.maxRetries}` };
  }
  if (!policy.retryOnStepFailure && (await failedByStep(instance, run.runId))) {
    return { runId: run.runId, skipped: `a step failed and ${RETRY_TAGS.retryOnStepFailure} is false` };
  }
  try {
    const retry = await enqueueReexecution(options.definitions, instance, run.runId, {
      // all_steps: every step of the failed run again; from_failure: only those that did not report success.
      ...(policy.strategy === "from_failure" ? { fromFailure: true } : {}),
      tags: { [RETRY_TAGS.retryNumber]: String(retryNumber + 1) },
      runKey: { instigator: RUN_RETRY_INSTIGATOR, key: run.runId },
    });
    return { runId: run.runId, retryRunId: retry.runId, created: retry.created };
  } catch (error) {
    if (isOrchError(error, ReexecuteErrorCode.NOTHING_TO_REEXECUTE)) return { runId: run.runId, skipped: "every step of it succeeded" };
    // Its job, assets or partition are gone from the definitions: nothing could run it again.
    if (isOrchError(error)) return { runId: run.runId, skipped: `it cannot be planned again: ${error.message}` };
    throw error;
  }
}

/** Whether a step of the run failed on its own (not closed as crashed when its worker died). */
async function failedByStep(instance: InstanceStorage, runId: string): Promise<boolean> {
  const failures = await instance.getEvents(runId, { types: ["STEP_FAILURE"] });
  return failures.some((event) => event.type === "STEP_FAILURE" && event.error.code !== RUN_WORKER_CRASHED);
}

/**
 * Whether the retries loop has yet to judge one of these failed runs: its failure is after the loop's cursor, or
 * the loop waits for its record to end. A backfill waits for them before it closes, so a failed partition that
 * will be retried does not fail the backfill. False before the loop's first pass (it retries nothing older).
 */
export async function retriesUndecided(instance: InstanceStorage, failedRunIds: readonly string[]): Promise<boolean> {
  if (failedRunIds.length === 0) return false;
  const saved = await instance.getState(RUN_RETRY_STATE.namespace, RUN_RETRY_STATE.key);
  if (saved === undefined) return false;
  const cursor = JSON.parse(saved) as RetryCursor;
  for (const runId of failedRunIds) {
    if (cursor.pending.includes(runId)) return true;
    const failure = (await instance.getEvents(runId, { types: ["RUN_FAILURE"] })).at(-1);
    if (failure !== undefined && failure.id > cursor.afterId) return true;
  }
  return false;
}
