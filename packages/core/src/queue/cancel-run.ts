import { ErrorCode, OrchError } from "../errors.ts";
import type { RunStatus } from "../run-record.ts";
import type { InstanceStorage } from "../storage.ts";
import { finishCanceled } from "./execute-queued-run.ts";
import { QueueErrorCode } from "./queue-errors.ts";

/**
 * `orch runs cancel`: a queued run ends CANCELED at once; a starting or running one moves to CANCELING, and the
 * process running it (watching its status, or signalled by the daemon) aborts it and ends it CANCELED.
 * Returns the status the run has afterwards.
 */
export async function cancelRun(instance: InstanceStorage, runId: string): Promise<RunStatus> {
  const run = await instance.getRun(runId);
  if (run === undefined) throw new OrchError(ErrorCode.UNKNOWN_RUN, `Run "${runId}" does not exist in this instance; list runs with \`orch runs list\`.`);
  // QUEUED → CANCELING first, so a coordinator claiming it at the same moment loses, then CANCELED with its event.
  if (await instance.transitionRun(runId, ["QUEUED"], { status: "CANCELING" })) {
    await finishCanceled(instance, runId, run.createdAt);
    return "CANCELED";
  }
  if (await instance.transitionRun(runId, ["STARTING", "STARTED"], { status: "CANCELING" })) return "CANCELING";
  const now = (await instance.getRun(runId))!;
  if (now.status === "CANCELING") return "CANCELING";
  throw new OrchError(QueueErrorCode.RUN_NOT_CANCELABLE, `Run "${runId}" already ended ${now.status}; only queued, starting and running runs can be canceled.`, {
    details: { runId, status: now.status },
  });
}
