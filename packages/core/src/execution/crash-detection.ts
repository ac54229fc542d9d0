import type { SerializedError } from "../errors.ts";
import type { OrchEvent, OrchEventType } from "../events.ts";
import type { RunRecord, RunStatus } from "../run-record.ts";
import { isProcessAlive } from "../process-identity.ts";
import type { InstanceStorage } from "../storage.ts";

export interface DetectCrashedRunsOptions {
  /**
   * A run of another host whose last heartbeat is older than this is taken for dead. Default 30,000 ms (6 missed
   * beats). Runs of this host are judged by their process instead, at once.
   */
  staleAfterMs?: number;
  /** Default Date.now(). */
  now?: number;
  /**
   * Runs a caller watches itself (the daemon's own child processes): their launcher closes them when the process
   * exits, with what it knows (the signal or exit code), so detection leaves them alone.
   */
  watched?: ReadonlySet<string>;
}

/** A run crash detection closed, and what proved it dead. */
export type CrashedRun = RunRecord & { readonly evidence: string };

export const CRASHED_RUN_REASON = "run worker exited unexpectedly";
export const RUN_WORKER_CRASHED = "RUN_WORKER_CRASHED";
export const CRASHED_WHILE_CANCELING_REASON = "canceled: its run worker exited before it stopped";

const LIVE_STATUSES: readonly RunStatus[] = ["STARTING", "STARTED", "CANCELING"];
/** What closing a dead run reads: its steps' lifecycle (which are in flight) and what they stored. */
const CLOSING_EVENTS: readonly OrchEventType[] = ["STEP_START", "STEP_RETRY", "STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED", "ASSET_MATERIALIZATION"];

/**
 * Finds runs that claim to be running but whose worker is gone (killed, out of memory, machine lost) and closes
 * them honestly: a STEP_FAILURE for every step that started without finishing, a RUN_FAILURE, and the run record
 * set to FAILURE, ended at its last sign of life (a run being canceled ends CANCELED, with a RUN_CANCELED). On the
 * worker's own host the OS is asked: a live process (same pid and start time) is never declared dead however long
 * its heartbeat is late (a step may block its event loop), and a dead one is declared dead at once. Runs of other
 * hosts are judged by their heartbeat.
 */
export async function detectCrashedRuns(storage: InstanceStorage, options: DetectCrashedRunsOptions = {}): Promise<CrashedRun[]> {
  const now = options.now ?? Date.now();
  const staleAfterMs = options.staleAfterMs ?? 30_000;
  const live = await storage.listRuns({ statuses: LIVE_STATUSES, limit: Number.MAX_SAFE_INTEGER });
  const crashed: CrashedRun[] = [];
  for (const run of live) {
    if (options.watched?.has(run.runId)) continue;
    const alive = run.worker ? isProcessAlive(run.worker) : undefined;
    if (alive === true) continue;
    const lastBeat = (await storage.getHeartbeat(run.runId)) ?? run.startedAt ?? run.createdAt;
    if (alive === undefined && now - lastBeat <= staleAfterMs) continue;
    // The listing may be older than the heartbeat just read: a run a worker took (STARTING -> STARTED) or that
    // ended since was judged on a beat it no longer needs. Only a run still in the listed status is closed.
    if ((await storage.getRun(run.runId))?.status !== run.status) continue;
    const evidence = alive === false ? `its process ${run.worker!.pid} on this host is gone` : `no heartbeat for ${now - lastBeat} ms`;
    const closed = await markCrashed(storage, run, lastBeat, CRASHED_RUN_REASON);
    if (closed !== undefined) crashed.push({ ...closed, evidence });
  }
  return crashed;
}

/**
 * Closes a run whose worker its caller saw die (a launcher's child process that exited without ending its run),
 * as crash detection closes one, with the caller's account of the death as the reason: a STEP_FAILURE for every
 * step in flight, a RUN_FAILURE, the FAILURE status (CANCELED when it was being canceled), ended at `diedAt`.
 * Undefined when the run had ended on its own, or moved on meanwhile.
 */
export async function closeDeadRun(storage: InstanceStorage, runId: string, reason: string, diedAt = Date.now()): Promise<RunRecord | undefined> {
  const run = await storage.getRun(runId);
  if (run === undefined || !LIVE_STATUSES.includes(run.status)) return undefined;
  return markCrashed(storage, run, diedAt, reason);
}

/**
 * Writes the crash's events and moves the run to FAILURE (CANCELED when it was being canceled) in one storage
 * transaction, only from the status it was judged in: a run that moved on in between (a worker took it, it ended)
 * is neither overwritten nor left with the crash's events in its log. Undefined when it moved on.
 */
async function markCrashed(storage: InstanceStorage, run: RunRecord, lastBeat: number, crashReason: string): Promise<RunRecord | undefined> {
  const stepEvents = await storage.getEvents(run.runId, { types: CLOSING_EVENTS });
  // The run ended at its last sign of life: its last heartbeat, or a later step event.
  const now = stepEvents.reduce((latest, e) => Math.max(latest, e.timestamp), Math.max(lastBeat, run.startedAt ?? run.createdAt));
  const inFlight = new Map<string, { firstStart: number; attempt: number }>();
  // What each partitioned step set out to materialize (its first STEP_START), and the assets it stored meanwhile.
  const targets = new Map<string, { readonly assetKeys: readonly string[]; readonly partitions: readonly string[] }>();
  const stored = new Map<string, Set<string>>();
  for (const event of stepEvents) {
    const key = event.stepKey;
    if (key === undefined) continue;
    if (event.type === "ASSET_MATERIALIZATION") {
      stored.set(key, (stored.get(key) ?? new Set()).add(event.assetKey.join("/")));
    } else if (event.type === "STEP_START") {
      inFlight.set(key, { firstStart: inFlight.get(key)?.firstStart ?? event.timestamp, attempt: event.attempt });
      if (event.partitions) targets.set(key, event.partitions);
    } else if (event.type !== "STEP_RETRY") {
      inFlight.delete(key);
    }
  }
  // The partitions a dead step leaves unmaterialized, as a failing step reports them: the catalog counts them failed.
  const failedPartitions = (stepKey: string) => {
    const target = targets.get(stepKey);
    const assetKeys = target?.assetKeys.filter((assetKey) => !stored.get(stepKey)?.has(assetKey)) ?? [];
    return target && assetKeys.length > 0 ? { failedPartitions: { assetKeys, partitions: target.partitions } } : {};
  };
  const error: SerializedError = { name: "OrchError", message: `[orch] ${crashReason}`, code: RUN_WORKER_CRASHED };
  const events: OrchEvent[] = [...inFlight].map(([stepKey, step]) => ({
    runId: run.runId,
    timestamp: now,
    stepKey,
    type: "STEP_FAILURE",
    durationMs: Math.max(0, now - step.firstStart),
    attempt: step.attempt,
    error,
    ...failedPartitions(stepKey),
  }));
  const durationMs = Math.max(0, now - (run.startedAt ?? run.createdAt));
  // A run asked to cancel is stopped either way: it ends CANCELED (never retried), as its worker would have ended it.
  const canceling = run.status === "CANCELING";
  const reason = canceling ? CRASHED_WHILE_CANCELING_REASON : crashReason;
  events.push(
    canceling
      ? { runId: run.runId, timestamp: now, type: "RUN_CANCELED", durationMs, reason }
      : { runId: run.runId, timestamp: now, type: "RUN_FAILURE", durationMs, reason, failedSteps: [...inFlight.keys()], error },
  );
  const update = { status: canceling ? ("CANCELED" as const) : ("FAILURE" as const), endedAt: now, statusReason: reason };
  if (!(await storage.closeRun(run.runId, [run.status], events, update))) return undefined;
  return { ...run, ...update };
}
