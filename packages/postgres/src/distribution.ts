import type { InstanceStorage, RunDistribution, RunLauncher } from "@orch/core";
import { runDistributedStep, STEP_TASK, type StepJob } from "./step-queue.ts";
import { Logger, makeWorkerUtils, run as runGraphileWorker, type WorkerUtils } from "graphile-worker";
import type { Queryable } from "./db.ts";
import { LeaderLock } from "./leader-lock.ts";

/** The graphile-worker task that executes one released run. */
export const RUN_TASK = "orch_run";

/** graphile-worker logs every job at info level; orch reports runs through its own event log. */
const quiet = new Logger(() => (level, message) => {
  if (level === "error") process.stderr.write(`orch worker: ${message}\n`);
});

export interface DistributionOptions {
  readonly url: string;
  readonly schema: string;
  /** How often idle workers look for jobs besides LISTEN/NOTIFY wake-ups. Default 2,000 ms. */
  readonly pollIntervalMs?: number;
}

/**
 * Runs spread over `orch worker` processes through graphile-worker, whose tables live in `<schema>_jobs`. The
 * daemon's coordinator still decides what is released (limits, priorities); released runs become jobs, which
 * workers take with SKIP LOCKED and LISTEN/NOTIFY inside graphile-worker. A job is attempted once: a run whose
 * worker dies is closed by the daemon's crash detection (missed heartbeats), never executed a second time.
 */
export interface JobQueueDistribution extends RunDistribution {
  /** Whether a released run's job still waits for a worker (the run is alive in the queue, not crashed). */
  isWaiting(runId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** graphile-worker's utilities (addJob) on `<schema>_jobs`, migrated on first use. */
export function jobQueueUtils(url: string, schema: string): { get(): Promise<WorkerUtils>; release(): Promise<void> } {
  let utils: Promise<WorkerUtils> | undefined;
  return {
    get: () => (utils ??= makeWorkerUtils({ connectionString: url, schema: `${schema}_jobs`, logger: quiet }).then(async (u) => (await u.migrate(), u))),
    async release() {
      const pending = utils;
      utils = undefined;
      if (pending !== undefined) await (await pending).release();
    },
  };
}

export function jobQueueDistribution(
  options: DistributionOptions,
  db: Queryable,
  storage: () => InstanceStorage,
  watch: (listener: () => void) => Promise<unknown>,
  onLead: () => void,
): JobQueueDistribution {
  const jobsSchema = `${options.schema}_jobs`;
  const utils = jobQueueUtils(options.url, options.schema);
  const leader = new LeaderLock(options);
  let queueExists = false;
  const workerUtils = () => utils.get();

  return {
    launcher(): RunLauncher {
      return {
        name: "queue",
        async launch(run) {
          // The job key makes a second release of one run (a daemon that took over mid-pass) a no-op.
          await (await workerUtils()).addJob(RUN_TASK, { runId: run.runId }, { jobKey: run.runId, jobKeyMode: "preserve_run_at", maxAttempts: 1 });
        },
        // Cancellation reaches workers through the run record (CANCELING), which a running run polls.
        cancel: () => false,
        running: () => [],
        // Runs end on other hosts: every append (a run ended, a run was queued) wakes the daemon's queue loop
        // through LISTEN/NOTIFY, so freed worker slots and new runs are seen at once rather than at the next pass.
        onRunEnded(listener) {
          void watch(() => listener()).catch(() => undefined);
        },
      };
    },
    async work({ concurrency, execute, signal, steps }) {
      const runner = await runGraphileWorker({
        connectionString: options.url,
        schema: jobsSchema,
        concurrency,
        maxPoolSize: concurrency + 2,
        pollInterval: options.pollIntervalMs ?? 2_000,
        noHandleSignals: true,
        logger: quiet,
        taskList: {
          [RUN_TASK]: async (payload) => {
            await execute((payload as { runId: string }).runId);
          },
          ...(steps
            ? {
                [STEP_TASK]: async (payload: unknown) => {
                  await runDistributedStep(payload as StepJob, { ...steps, storage: storage() });
                },
              }
            : {}),
        },
      });
      const stop = () => void runner.stop().catch(() => undefined);
      if (signal.aborted) stop();
      signal.addEventListener("abort", stop, { once: true });
      try {
        await runner.promise;
      } finally {
        signal.removeEventListener("abort", stop);
      }
    },
    async isWaiting(runId) {
      // graphile-worker's public `jobs` view, absent until a launcher or worker first used the queue.
      if (!queueExists) {
        const [row] = await db.query<{ exists: boolean }>(`SELECT to_regclass('${jobsSchema}.jobs') IS NOT NULL AS exists`);
        if (row?.exists !== true) return false;
        queueExists = true;
      }
      const [row] = await db.query<{ waiting: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${jobsSchema}.jobs WHERE key = $1 AND locked_at IS NULL) AS waiting`, [runId]);
      return row?.waiting === true;
    },
    async lead(signal) {
      await leader.acquire(signal);
      onLead();
    },
    async close() {
      await leader.release();
      await utils.release();
    },
  };
}
