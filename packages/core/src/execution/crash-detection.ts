import type { SerializedError } from "../errors.ts";
import type { OrchEvent, OrchEventType } from "../events.ts";
import type { RunRecord, RunStatus } from "../run-record.ts";
import type { InstanceStorage } from "../storage.ts";

export interface DetectCrashedRunsOptions {
  /** A run whose last heartbeat is older than this is taken for dead. Default 30,000 ms (6 missed beats). */
  staleAfterMs?: number;
  /** Default Date.now(). */
  now?: number;
}

export const CRASHED_RUN_REASON = "run worker exited unexpectedly";
export const RUN_WORKER_CRASHED = "RUN_WORKER_CRASHED";

const LIVE_STATUSES: readonly RunStatus[] = ["STARTING", "STARTED", "CANCELING"];
const STEP_EVENTS: readonly OrchEventType[] = ["STEP_START", "STEP_RETRY", "STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"];

/**
 * Finds runs that claim to be running but whose worker stopped beating (killed, out of memory, machine lost) and
 * closes them honestly: a STEP_FAILURE for every step that started without finishing, a RUN_FAILURE, and the run
 * record set to FAILURE. Returns the runs it marked.
 */
export async function detectCrashedRuns(storage: InstanceStorage, options: DetectCrashedRunsOptions = {}): Promise<RunRecord[]> {
  const now = options.now ?? Date.now();
  const staleAfterMs = options.staleAfterMs ?? 30_000;
  const live = await storage.listRuns({ statuses: LIVE_STATUSES, limit: Number.MAX_SAFE_INTEGER });
  const crashed: RunRecord[] = [];
  for (const run of live) {
    const lastSign = (await storage.getHeartbeat(run.runId)) ?? run.startedAt ?? run.createdAt;
    if (now - lastSign <= staleAfterMs) continue;
    crashed.push(await markCrashed(storage, run, now));
  }
  return crashed;
}

async function markCrashed(storage: InstanceStorage, run: RunRecord, now: number): Promise<RunRecord> {
  const stepEvents = await storage.getEvents(run.runId, { types: STEP_EVENTS });
  const inFlight = new Map<string, { firstStart: number; attempt: number }>();
  for (const event of stepEvents) {
    const key = event.stepKey;
    if (key === undefined) continue;
    if (event.type === "STEP_START") {
      inFlight.set(key, { firstStart: inFlight.get(key)?.firstStart ?? event.timestamp, attempt: event.attempt });
    } else if (event.type !== "STEP_RETRY") {
      inFlight.delete(key);
    }
  }
  const error: SerializedError = { name: "OrchError", message: `[orch] ${CRASHED_RUN_REASON}`, code: RUN_WORKER_CRASHED };
  const events: OrchEvent[] = [...inFlight].map(([stepKey, step]) => ({
    runId: run.runId,
    timestamp: now,
    stepKey,
    type: "STEP_FAILURE",
    durationMs: Math.max(0, now - step.firstStart),
    attempt: step.attempt,
    error,
  }));
  events.push({
    runId: run.runId,
    timestamp: now,
    type: "RUN_FAILURE",
    durationMs: Math.max(0, now - (run.startedAt ?? run.createdAt)),
    reason: CRASHED_RUN_REASON,
    failedSteps: [...inFlight.keys()],
    error,
  });
  await storage.appendEvents(events);
  const update = { status: "FAILURE" as const, endedAt: now, statusReason: CRASHED_RUN_REASON };
  await storage.updateRun(run.runId, update);
  return { ...run, ...update };
}
