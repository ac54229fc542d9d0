import { mapConcurrent } from "../map-concurrent.ts";
import { serializeError } from "../errors.ts";
import type { InstanceStorage } from "../storage.ts";
import { FOREGROUND_TAG } from "./foreground-slot.ts";
import type { RunLauncher } from "./launcher.ts";
import { IN_PROGRESS_STATUSES, planDequeue, type QueueLimits } from "./queue-limits.ts";

/** Runs claimed and handed to the launcher at once in one pass. */
const LAUNCH_CONCURRENCY = 8;

/** The queued runs and why each waits, for `orch runs list|show`. */
export async function explainQueue(instance: InstanceStorage, limits: QueueLimits): Promise<ReadonlyMap<string, string>> {
  const queued = await instance.getQueuedRuns();
  if (queued.length === 0) return new Map();
  const inProgress = await instance.listRuns({ statuses: IN_PROGRESS_STATUSES, limit: Number.MAX_SAFE_INTEGER });
  const plan = planDequeue(queued, inProgress, limits);
  const waiting = new Map(plan.waiting);
  for (const run of plan.launch) {
    const owner = run.tags[FOREGROUND_TAG];
    waiting.set(run.runId, owner !== undefined ? `ready: its command (pid ${owner}) starts it` : "ready: waiting for the daemon's run queue (is `orch daemon` running?)");
  }
  return waiting;
}

/**
 * The run coordinator: each `dequeue()` starts the queued runs the limits allow, claiming each atomically
 * (QUEUED → STARTING) so two coordinators on one instance never launch a run twice, and hands it to the launcher.
 */
export class RunCoordinator {
  readonly #instance: InstanceStorage;
  readonly #launcher: RunLauncher;
  readonly #limits: QueueLimits;

  constructor(instance: InstanceStorage, launcher: RunLauncher, limits: QueueLimits = {}) {
    this.#instance = instance;
    this.#launcher = launcher;
    this.#limits = limits;
  }

  /** Starts what can start now; returns the ids it launched. */
  async dequeue(): Promise<string[]> {
    // Foreground runs (`orch materialize` under queue limits) wait in the same queue but start themselves.
    const queued = (await this.#instance.getQueuedRuns()).filter((run) => run.tags[FOREGROUND_TAG] === undefined);
    if (queued.length === 0) return [];
    const inProgress = await this.#instance.listRuns({ statuses: IN_PROGRESS_STATUSES, limit: Number.MAX_SAFE_INTEGER });
    const { launch } = planDequeue(queued, inProgress, this.#limits);
    // Claims go out several at once: each is a few durable writes, and one at a time they capped how fast a busy
    // queue drains (a pass released runs more slowly than many workers finished them).
    const launched = await mapConcurrent(launch, LAUNCH_CONCURRENCY, async (run) => {
      // The claim is the run's first sign of life: crash detection measures from here, not from the enqueue time.
      // Written before the claim, so crash detection never sees the run STARTING without it (and measuring from
      // the enqueue time, takes a run just released for dead); a claim lost to another coordinator only leaves
      // a beat a few ms older than that coordinator's own.
      await this.#instance.setHeartbeat(run.runId, Date.now());
      // Lost the claim: another coordinator took it, or it was canceled since we read the queue.
      if (!(await this.#instance.transitionRun(run.runId, ["QUEUED"], { status: "STARTING" }))) return undefined;
      try {
        await this.#launcher.launch({ ...run, status: "STARTING" });
      } catch (error) {
        await this.#failLaunch(run.runId, error);
      }
      return run.runId;
    });
    return launched.filter((runId) => runId !== undefined);
  }

  async #failLaunch(runId: string, error: unknown): Promise<void> {
    const now = Date.now();
    const serialized = serializeError(error);
    const reason = `the ${this.#launcher.name} launcher could not start it: ${serialized.message}`;
    await this.#instance.appendEvents([{ runId, timestamp: now, type: "RUN_FAILURE", durationMs: 0, reason, failedSteps: [], error: serialized }]);
    await this.#instance.updateRun(runId, { status: "FAILURE", endedAt: now, statusReason: reason });
  }
}
