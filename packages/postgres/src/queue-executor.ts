import { scheduleSteps, serializeError, type Executor, type StepOutcome } from "@orch/core";
import { setTimeout as sleep } from "node:timers/promises";
import { jobQueueUtils } from "./distribution.ts";
import { postgresStorage, type PostgresStorage } from "./postgres-storage.ts";
import { STEP_OUTCOMES, STEP_TASK, stepBeatId, stepKeyOf, type StepJob } from "./step-queue.ts";

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
 * IO managers all hosts reach; every host writes the step's events to the one shared event log. A step whose
 * worker dies (missed heartbeats) fails with STEP_FAILURE; a step is never handed out twice.
 */
export function queueExecutor(options: QueueExecutorOptions): Executor & { teardown(): Promise<void> } {
  const schema = options.schema ?? "orch";
  const staleAfterMs = options.staleAfterMs ?? 30_000;
  const utils = jobQueueUtils(options.url, schema);
  let storage: PostgresStorage | undefined;
  const shared = () => (storage ??= postgresStorage({ url: options.url, schema, poolSize: 4 }));

  async function awaitOutcome(runId: string, step: StepJob["step"], dispatchedAt: number, emitFailure: (message: string) => Promise<void>): Promise<StepOutcome> {
    const key = stepKeyOf(runId, step.key);
    for (;;) {
      const value = await shared().getState(STEP_OUTCOMES, key);
      if (value !== undefined) {
        await shared().setState(STEP_OUTCOMES, key, undefined);
        return JSON.parse(value) as StepOutcome;
      }
      // While the job waits for a worker the storage reports it alive; once taken, the worker's thread beats.
      const lastSeen = Math.max(dispatchedAt, (await shared().getHeartbeat(stepBeatId(runId, step.key))) ?? 0);
      if (Date.now() - lastSeen > staleAfterMs) {
        await emitFailure(`The worker running step "${step.key}" stopped beating (no heartbeat for ${Date.now() - lastSeen} ms); it is taken for dead.`);
        return { stepKey: step.key, status: "failure", producedOutputs: [] };
      }
      await sleep(options.pollMs ?? 50);
    }
  }

  return {
    name: "queue",
    async execute(context) {
      const { run } = context;
      return scheduleSteps(context, {
        maxConcurrency: options.maxConcurrency ?? 64,
        launch: async (step) => {
          if (step.executionHint === "main") return context.runStepInProcess(step);
          const job: StepJob = { runId: run.runId, step, runConfig: context.runConfig };
          const dispatchedAt = Date.now();
          // The job key (one per run and step) keeps a step from being queued twice; one attempt: no re-execution.
          await (await utils.get()).addJob(STEP_TASK, job as never, { jobKey: stepBeatId(run.runId, step.key), maxAttempts: 1 });
          return awaitOutcome(run.runId, step, dispatchedAt, (message) =>
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
