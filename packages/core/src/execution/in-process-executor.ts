import { availableParallelism } from "node:os";
import type { Executor } from "../executor.ts";
import { scheduleSteps } from "./scheduler.ts";

export interface InProcessExecutorOptions {
  /** Most steps running at once on this thread (async work overlaps; CPU work does not). Default: cores. */
  maxConcurrency?: number;
}

/** Runs every step on the main thread through the shared step runner. */
export function inProcessExecutor(options: InProcessExecutorOptions = {}): Executor {
  const maxConcurrency = options.maxConcurrency ?? availableParallelism();
  return {
    name: "in_process",
    execute: (context) => scheduleSteps(context, { maxConcurrency, launch: (step) => context.runStepInProcess(step) }),
  };
}
