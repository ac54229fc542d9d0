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
  /**
   * When the job of a released run (or of a queued step) last showed life: now while it waits for a worker, the
   * time a worker took it once taken; undefined without a job. A run must not be taken for crashed meanwhile.
   */
  jobSeenAt(jobKey: string): Promise<number | undefined>;
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
  let launcherInUse = false;
  const workerUtils = () => utils.get();
  async function jobSeenAt(jobKey: string): Promise<number | undefined> {
    // graphile-worker's public `jobs` view, absent until a launcher or worker first used the queue.
    if (!queueExists) {
      const [row] = await db.query<{ exists: boolean }>(`SELECT to_regclass('${jobsSchema}.jobs') IS NOT NULL AS exists`);
      if (row?.exists !== true) return undefined;
      queueExists = true;
    }
    // A waiting job is alive now; a taken one was alive when its worker locked it (until the run's own beats). A
    // job that failed its only attempt is no sign of life: no worker will ever take it again.
    const [row] = await db.query<{ at: number }>(
      `SELECT (extract(epoch FROM coalesce(locked_at, now())) * 1000)::bigint AS at FROM ${jobsSchema}.jobs
       WHERE key = $1 AND (locked_at IS NOT NULL OR attempts < max_attempts)`,
      [jobKey],
    );
    return row?.at;
  }

  const release = async (runId: string) => {
    // The job key makes a second release of one run a no-op.
    await (await workerUtils()).addJob(RUN_TASK, { runId }, { jobKey: runId, jobKeyMode: "preserve_run_at", maxAttempts: 1 });
  };

  return {
    launcher(): RunLauncher {
      launcherInUse = true;
      return {
        name: "queue",
        launch: (run) => release(run.runId),
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
    jobSeenAt,
    async lead(signal) {
      await leader.acquire(signal);
      onLead();
      // A leader that died between claiming runs (STARTING) and handing them to the queue left them with no job;
      // the new leader hands them over, so they run instead of being closed as crashed. A worker's claim
      // (STARTING -> STARTED) still lets each run execute once.
      if (!launcherInUse) return;
      for (const run of await storage().listRuns({ statuses: ["STARTING"], limit: Number.MAX_SAFE_INTEGER })) {
        if ((await jobSeenAt(run.runId)) === undefined) await release(run.runId);
      }
    },
    async close() {
      await leader.release();
      await utils.release();
    },
  };
}
