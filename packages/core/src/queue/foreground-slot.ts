import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { pidExists } from "../process-identity.ts";
import type { RunRecord } from "../run-record.ts";
import type { InstanceStorage } from "../storage.ts";
import { finishCanceled } from "./execute-queued-run.ts";
import { IN_PROGRESS_STATUSES, planDequeue, type QueueLimits } from "./queue-limits.ts";

/**
 * Marks a queued run that a foreground command (`orch materialize`) runs itself, with that command's `pid@host`:
 * the daemon never launches it, and cancels it if that process is gone.
 */
export const FOREGROUND_TAG = "orch/foreground";

/** Whether the process `pid@host` names is gone (only decidable on its own host; elsewhere: not gone). */
export function processGone(tag: string, host = hostname()): boolean {
  const at = tag.lastIndexOf("@");
  const pid = Number(tag.slice(0, at));
  if (at <= 0 || tag.slice(at + 1) !== host || !Number.isInteger(pid)) return false;
  return !pidExists(pid);
}

export function hasQueueLimits(limits: QueueLimits): boolean {
  return limits.maxConcurrentRuns !== undefined || (limits.tagConcurrencyLimits?.length ?? 0) > 0;
}

/**
 * A foreground run under the instance's queue limits: enqueues the run, waits its turn among the queued runs
 * (priority, FIFO, tag limits, exactly as the daemon decides) and claims it. Resolves once the run is STARTED,
 * or undefined if it was canceled while waiting. `onWait` hears why it waits, each time the reason changes.
 */
export async function waitForQueueSlot(
  instance: InstanceStorage,
  run: RunRecord,
  limits: QueueLimits,
  signal: AbortSignal,
  onWait: (reason: string) => void,
  pollMs = 500,
): Promise<string | undefined> {
  const record = { ...run, tags: { ...run.tags, [FOREGROUND_TAG]: `${process.pid}@${hostname()}` } };
  await instance.enqueueRuns([{ run: record }]);
  let told: string | undefined;
  for (;;) {
    const current = await instance.getRun(run.runId);
    if (current?.status !== "QUEUED") return undefined;
    if (signal.aborted) {
      if (await instance.transitionRun(run.runId, ["QUEUED"], { status: "CANCELING" })) await finishCanceled(instance, run.runId, run.createdAt, "canceled while waiting in the queue");
      return undefined;
    }
    const inProgress = await instance.listRuns({ statuses: IN_PROGRESS_STATUSES, limit: Number.MAX_SAFE_INTEGER });
    const plan = planDequeue(await instance.getQueuedRuns(), inProgress, limits);
    if (plan.launch.some((r) => r.runId === run.runId)) {
      if (await instance.transitionRun(run.runId, ["QUEUED"], { status: "STARTED" })) return run.runId;
      continue;
    }
    const reason = plan.waiting.get(run.runId) ?? "waiting for its turn in the queue";
    if (reason !== told) onWait(reason);
    told = reason;
    await sleep(pollMs, undefined, { signal }).catch(() => undefined);
  }
}
