import { ErrorCode, OrchError } from "../errors.ts";
import { FINISHED_STATUSES, type RunStatus } from "../run-record.ts";
import type { HeartbeatHandle } from "../storage.ts";

/**
 * The storage fence: a finished run takes no more events. Throws `RUN_ALREADY_ENDED` when `status` (the run's
 * stored status; undefined for a run not created yet) is finished.
 */
export function assertRunTakesEvents(runId: string, status: RunStatus | undefined, pkg?: string): void {
  if (status === undefined || !FINISHED_STATUSES.has(status)) return;
  throw new OrchError(ErrorCode.RUN_ALREADY_ENDED, `Run ${runId} already ended (${status}); the storage refuses further events for it.`, {
    ...(pkg !== undefined ? { pkg } : {}),
    details: { runId, status },
  });
}

/**
 * A heartbeat written by a timer on the caller's event loop. Right for storages only this process reads (memory):
 * whoever could read a stale beat shares the blocked loop, and crash detection asks the OS about local processes.
 */
export function timerHeartbeat(write: (at: number) => Promise<void>, intervalMs: number): HeartbeatHandle {
  const timer = setInterval(() => void write(Date.now()).catch(() => undefined), intervalMs);
  timer.unref();
  return {
    stop: async () => clearInterval(timer),
  };
}
