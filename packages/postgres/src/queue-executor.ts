import { isProcessAlive, scheduleSteps, serializeError, type Executor, type ProcessIdentity, type StepOutcome } from "@orch/core";
import { setTimeout as sleep } from "node:timers/promises";
import { jobQueueUtils } from "./distribution.ts";
import { postgresStorage, type PostgresStorage } from "./postgres-storage.ts";
import { RemoteStepEvents } from "./step-events.ts";
import { STEP_OUTCOMES, STEP_TASK, stepBeatId, stepKeyOf, type StepJob } from "./step-queue.ts";

/** How often the heartbeat of a step on another host is read. */
const LIVENESS_CHECK_MS = 1_000;

export interface QueueExecutorOptions {
  readonly url: string;
  readonly schema?: string;
  /** Steps in flight at once for one run; default 64 (the workers' concurrency is the real limit). */
  readonly maxConcurrency?: number;
  /** A step whose worker has not beaten for this long is failed (its worker died). Default 30,000 ms. */
  readonly staleAfterMs?: number;
  /** How often the run's process looks for a step's outcome. Default 50 ms. */
  readonly pollMs?: number;
}

/**
 * `executor: { type: queue }`: each step of a run becomes a job that any `orch worker` takes, so one run spreads
 * over hosts. Order, skipping and limits stay with `scheduleSteps` in the run's process; outputs travel through
 * IO managers all hosts reach; every host writes the step's events to the one shared event log, and the run's
 * process relays the workers' events to its loggers and listeners. A step whose worker dies (its pid gone on this
 * host, missed heartbeats from another) fails with STEP_FAILURE; a step is never handed out twice.
 */
export function queueExecutor(options: QueueExecutorOptions): Executor & { teardown(): Promise<void> } {
  const schema = options.schema ?? "orch";
  const staleAfterMs = options.staleAfterMs ?? 30_000;
  const utils = jobQueueUtils(options.url, schema);
  let storage: PostgresStorage | undefined;
  const shared = () => (storage ??= postgresStorage({ url: options.url, schema, poolSize: 4 }));

  async function takeOutcome(runId: string, stepKey: string): Promise<StepOutcome | undefined> {
    const key = stepKeyOf(runId, stepKey);
    const value = await shared().getState(STEP_OUTCOMES, key);
    if (value === undefined) return undefined;
    await shared().setState(STEP_OUTCOMES, key, undefined);
    return JSON.parse(value) as StepOutcome;
  }

  /** On the worker's own host the OS tells at once that its process is gone (the pid and start time of its STEP_START). */
  function processGone(stepKey: string, worker: ProcessIdentity | undefined): string | undefined {
    if (worker === undefined || isProcessAlive(worker) !== false) return undefined;
    return `The worker running step "${stepKey}" (pid ${worker.pid} on ${worker.host}) exited before the step ended.`;
  }

  /**
   * Otherwise (another host, before STEP_START) the step's heartbeats tell; a waiting job counts as alive. A live
   * worker's thread beats until the step ends, so on any host only a step its process lost without an outcome goes
   * silent.
   */
  async function silence(runId: string, stepKey: string, dispatchedAt: number): Promise<string | undefined> {
    const lastSeen = Math.max(dispatchedAt, (await shared().getHeartbeat(stepBeatId(runId, stepKey))) ?? 0);
    const silentMs = Date.now() - lastSeen;
    return silentMs > staleAfterMs ? `The worker running step "${stepKey}" stopped beating (no heartbeat for ${silentMs} ms); it is taken for dead.` : undefined;
  }

  async function awaitOutcome(runId: string, step: StepJob["step"], dispatchedAt: number, remote: RemoteStepEvents, emitFailure: (message: string) => Promise<void>): Promise<StepOutcome> {
    const pollMs = options.pollMs ?? 50;
    let lastCheck = 0;
    for (;;) {
      // The worker stores the step's events before its outcome: relayed in full before the step counts as done.
      const outcome = await takeOutcome(runId, step.key);
      if (outcome !== undefined) return (await remote.finish(step.key), outcome);
      await remote.pull();
      // The pid proof is cheap (this host's /proc, nothing for another host's) and checked every poll; heartbeats are
      // read about once a second.
      let death = processGone(step.key, remote.worker(step.key));
      if (death === undefined && Date.now() - lastCheck >= LIVENESS_CHECK_MS) {
        lastCheck = Date.now();
        death = await silence(runId, step.key, dispatchedAt);
      }
      if (death !== undefined) {
        // It may have left its outcome between the read above and its exit (a worker stopping after its step).
        const late = await takeOutcome(runId, step.key);
        await remote.finish(step.key);
        if (late !== undefined) return late;
        await emitFailure(death);
        return { stepKey: step.key, status: "failure", producedOutputs: [] };
      }
      await sleep(pollMs);
    }
  }

  return {
    name: "queue",
    async execute(context) {
      const { run } = context;
      const remote = new RemoteStepEvents(shared, run.runId, (event) => context.relay(event));
      return scheduleSteps(context, {
        maxConcurrency: options.maxConcurrency ?? 64,
        launch: async (step) => {
          if (step.executionHint === "main") return context.runStepInProcess(step);
          const job: StepJob = { runId: run.runId, step, runConfig: context.runConfig };
          const dispatchedAt = Date.now();
          remote.add(step.key);
          // The job key (one per run and step) keeps a step from being queued twice; one attempt: no re-execution.
          await (await utils.get()).addJob(STEP_TASK, job as never, { jobKey: stepBeatId(run.runId, step.key), maxAttempts: 1 });
          return awaitOutcome(run.runId, step, dispatchedAt, remote, (message) =>
            context.events.emit({
              runId: run.runId,
              timestamp: Date.now(),
              stepKey: step.key,
              type: "STEP_FAILURE",
              durationMs: Date.now() - dispatchedAt,
              attempt: 1,
              error: serializeError(new Error(message)),
            }),
          );
        },
      });
    },
    async teardown() {
      await utils.release();
      await storage?.close();
      storage = undefined;
    },
  };
}
