import { ErrorCode, OrchError, type PlannedStep } from "@orch/core";
import type { ThreadsExecutorConfig } from "./options.ts";

/**
 * Explains why a task was rejected, which only happens when its worker died or was terminated: the worker is
 * replaced by the pool and only this step fails.
 */
export function describeWorkerFailure(step: PlannedStep, error: unknown, config: ThreadsExecutorConfig): OrchError {
  const details = { step: step.key };
  const err = error as { name?: string; code?: string; message?: string };
  if (err?.name === "AbortError") {
    return new OrchError(
      ErrorCode.RUN_CANCELED,
      `Step "${step.key}" was canceled: it did not stop within ${config.cancelGraceMs} ms of the run being canceled, so its worker thread was terminated.`,
      { pkg: "threads", details },
    );
  }
  if (err?.code === "ERR_WORKER_OUT_OF_MEMORY") {
    const limit = config.resourceLimits?.maxOldGenerationSizeMb;
    return new OrchError(
      "WORKER_OUT_OF_MEMORY",
      `Step "${step.key}" failed: the worker thread running it ran out of memory${limit ? ` (resourceLimits.maxOldGenerationSizeMb = ${limit})` : ""}; the worker was replaced.`,
      { pkg: "threads", cause: error, details },
    );
  }
  const exit = /worker exited with code: (-?\d+)/.exec(err?.message ?? "");
  if (exit) {
    return new OrchError(
      "WORKER_EXITED",
      `Step "${step.key}" failed: the worker thread running it exited with code ${exit[1]} (process.exit() or a fatal error in the step); the worker was replaced.`,
      { pkg: "threads", details: { ...details, exitCode: Number(exit[1]) } },
    );
  }
  return new OrchError(
    "WORKER_CRASHED",
    `Step "${step.key}" failed: the worker thread running it crashed with an uncaught error: ${err?.message ?? String(error)}; the worker was replaced.`,
    { pkg: "threads", cause: error, details },
  );
}
