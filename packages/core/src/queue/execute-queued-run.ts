import type { Definitions } from "../definitions.ts";
import { ErrorCode, OrchError, serializeError } from "../errors.ts";
import { materialize, type MaterializeOptions, type RunResult } from "../execution/materialize.ts";
import { runJob } from "../ops/run-job.ts";
import { FINISHED_STATUSES } from "../run-record.ts";
import { currentProcess } from "../process-identity.ts";
import type { InstanceStorage } from "../storage.ts";

export type ExecuteQueuedRunOptions = Omit<
  MaterializeOptions,
  "instance" | "selection" | "partitionKey" | "partitionRange" | "runConfig" | "tags" | "runId" | "jobName" | "plan" | "queued"
> & {
  /** How often the run checks whether `orch runs cancel` asked it to stop. Default 1,000 ms. */
  readonly cancelPollMs?: number;
};

export const CANCELED_BY_REQUEST = "canceled with orch runs cancel";

/**
 * Runs a run the coordinator claimed (STARTING): moves it to STARTED and materializes it with the record's
 * selection or job, partition, config and tags. A run canceled before it started ends CANCELED without running;
 * one canceled while running is aborted through its AbortSignal. A run refused at start (its partition is gone,
 * its job was removed) ends FAILURE with the reason, never stays STARTED. Returns undefined when it did not run.
 */
export async function executeQueuedRun(
  definitions: Definitions,
  instance: InstanceStorage,
  runId: string,
  options: ExecuteQueuedRunOptions = {},
): Promise<RunResult | undefined> {
  const run = await instance.getRun(runId);
  if (run === undefined) throw new OrchError(ErrorCode.UNKNOWN_RUN, `Run "${runId}" does not exist in this instance.`);
  // The claim records this process: on its host, crash detection asks the OS (pid and start time) at once.
  if (!(await instance.transitionRun(runId, ["STARTING", "QUEUED"], { status: "STARTED", worker: currentProcess() }))) {
    const now = await instance.getRun(runId);
    if (now?.status === "CANCELING") await finishCanceled(instance, runId, run.createdAt);
    return undefined;
  }
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const stopWatching = watchForCancel(instance, runId, controller, options.cancelPollMs);
  const common = {
    ...options,
    instance,
    runId,
    queued: true,
    signal: controller.signal,
    tags: { ...run.tags },
    runConfig: run.runConfig,
    ...(run.partitionKey !== undefined ? { partitionKey: run.partitionKey } : {}),
    ...(run.partitionRange !== undefined ? { partitionRange: run.partitionRange } : {}),
    // A re-execution runs its chosen steps over its parent's plan, reading the other steps' outputs from the parent.
    ...(run.parentRunId !== undefined ? { parentRunId: run.parentRunId, rootRunId: run.rootRunId ?? run.parentRunId, stepKeys: run.stepKeys } : {}),
  };
  try {
    if (run.jobName !== undefined) return await runJob(definitions, run.jobName, common);
    // As reexecute(): the parent's asset keys, not its selection string re-resolved against changed definitions.
    const selection = run.parentRunId !== undefined ? ((await instance.getRun(run.parentRunId))?.assetKeys ?? run.assetKeys) : run.selection;
    return await materialize(definitions, { ...common, ...(selection !== undefined ? { selection } : {}) });
  } catch (error) {
    await failRunIfUnfinished(instance, runId, error);
    throw error;
  } finally {
    stopWatching();
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Aborts `controller` once `orch runs cancel` moved the run to CANCELING (checked every `pollMs`, default 1 s), so a
 * run cancels through its AbortSignal in whatever process runs it. Returns the function that stops watching.
 */
export function watchForCancel(instance: InstanceStorage, runId: string, controller: AbortController, pollMs = 1_000): () => void {
  const watcher = setInterval(() => {
    void instance.getRun(runId).then(
      (current) => {
        if (current?.status === "CANCELING") controller.abort(new Error(`Run ${runId} was ${CANCELED_BY_REQUEST}.`));
      },
      () => undefined,
    );
  }, pollMs);
  watcher.unref();
  return () => clearInterval(watcher);
}

/**
 * Closes a run that cannot finish on its own as FAILURE with the reason: refused before it began (planning,
 * config), or its process exited without ending it (CANCELED if it was being canceled). A run that already ended
 * is left alone.
 */
export async function failRunIfUnfinished(instance: InstanceStorage, runId: string, error: unknown): Promise<void> {
  const current = await instance.getRun(runId);
  if (current === undefined || FINISHED_STATUSES.has(current.status)) return;
  const now = Date.now();
  const serialized = serializeError(error);
  // Only from the status just read, with its event in the same write: a run that ended meanwhile is left alone.
  // A run asked to cancel is stopped either way: it ends CANCELED (never retried).
  if (current.status === "CANCELING") {
    const reason = `canceled: ${serialized.message}`;
    await instance.closeRun(runId, [current.status], [{ runId, timestamp: now, type: "RUN_CANCELED", durationMs: 0, reason }], { status: "CANCELED", endedAt: now, statusReason: reason });
    return;
  }
  await instance.closeRun(
    runId,
    [current.status],
    [{ runId, timestamp: now, type: "RUN_FAILURE", durationMs: 0, reason: serialized.message, failedSteps: [], error: serialized }],
    { status: "FAILURE", endedAt: now, statusReason: serialized.message },
  );
}

/** Ends a run that was canceled before it ran: a RUN_CANCELED event, then the CANCELED status. */
export async function finishCanceled(instance: InstanceStorage, runId: string, since: number, reason = CANCELED_BY_REQUEST): Promise<void> {
  const now = Date.now();
  await instance.appendEvents([{ runId, timestamp: now, type: "RUN_CANCELED", durationMs: Math.max(0, now - since), reason }]);
  await instance.transitionRun(runId, ["QUEUED", "STARTING", "CANCELING"], { status: "CANCELED", endedAt: now, statusReason: reason });
}
