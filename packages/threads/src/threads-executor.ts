import { OrchError, scheduleSteps, type Executor, type ExecutorContext, type StepOutcome } from "@orch/core";
import { CodecSet } from "./codec.ts";
import { concurrencyGate } from "./concurrency-limits.ts";
import { parseThreadsConfig, type ThreadsExecutorConfig, type ThreadsExecutorOptions } from "./options.ts";
import { closePool, createPool, type StepPool } from "./pool.ts";
import type { ChannelHost } from "./step-channel.ts";
import { WorkerDispatch } from "./worker-dispatch.ts";

export interface ThreadsExecutor extends Executor {
  readonly config: ThreadsExecutorConfig;
  /** Closes a shared pool (tearing down each worker's resources). Not needed without `sharedPool`. */
  teardown(): Promise<void>;
}

/**
 * Runs steps on a pool of worker threads (piscina), each through core's step runner in a worker that has loaded
 * the definitions module. Steps with `executionHint: "main"` run on the main thread. Order, skipping and limits
 * come from `scheduleSteps`; a dead worker fails only its step.
 */
export function threadsExecutor(options: ThreadsExecutorOptions = {}): ThreadsExecutor {
  const config = parseThreadsConfig(options);
  let codecs: Promise<CodecSet> | undefined;
  let shared: { pool: StepPool; host: ChannelHost } | undefined;
  let reportPoolError = (_error: Error) => {};

  const execute = async (context: ExecutorContext): Promise<StepOutcome[]> => {
    const mayStart = concurrencyGate(config, context.definitions);
    const schedule = { maxConcurrency: config.maxThreads, ...(mayStart ? { mayStart } : {}) };
    if (context.plan.steps.every((s) => s.executionHint === "main")) {
      return scheduleSteps(context, { ...schedule, launch: (step) => context.runStepInProcess(step) });
    }
    if (!context.definitionsModule) {
      throw new OrchError(
        "MISSING_DEFINITIONS_MODULE",
        "The threads executor needs the definitions module path to load the definitions in its worker threads: pass definitionsModule to materialize() (the CLI passes the -m module), or use the in_process executor.",
        { pkg: "threads" },
      );
    }
    codecs ??= CodecSet.load(config.codecs);
    const pool = shared?.pool ?? createPool(config, (error) => reportPoolError(error));
    const dispatch = new WorkerDispatch(context, pool, config, await codecs, context.definitionsModule);
    reportPoolError = (error) => dispatch.host.logger().warn(`A worker thread failed outside any step and was replaced: ${error.message}`);
    if (config.sharedPool) shared ??= { pool, host: dispatch.host };
    try {
      await dispatch.init();
      return await scheduleSteps(context, {
        ...schedule,
        launch: (step) => (step.executionHint === "main" ? context.runStepInProcess(step) : dispatch.runStep(step)),
      });
    } finally {
      if (!config.sharedPool) await closePool(pool, dispatch.host);
    }
  };

  return {
    name: "threads",
    config,
    execute,
    async teardown() {
      if (!shared) return;
      const { pool, host } = shared;
      shared = undefined;
      // The runs are over: teardown logs have no run to go to.
      await closePool(pool, { ...host, events: { emit: async () => {} } });
    },
  };
}
