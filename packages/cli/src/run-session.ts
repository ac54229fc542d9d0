import { setTimeout as sleep } from "node:timers/promises";
import { consoleLogger, type ConsoleLoggerMode, type Executor, type InstanceStorage, type IOManagerDefinition, type Logger, type RunResult } from "@orch/core";
import { EXIT } from "./exit-codes.ts";
import type { Project } from "./project.ts";

/** What every CLI run passes to materialize() / reexecute(). */
export interface CliRunOptions {
  instance: InstanceStorage;
  defaultIOManager: IOManagerDefinition;
  executor: Executor;
  signal: AbortSignal;
  loggers: Logger[];
  heartbeatMs: number;
  baseDir: string;
  definitionsModule?: string;
}

/**
 * Runs one materialization with console progress and Ctrl-C handling: the first SIGINT cancels the run (it ends
 * CANCELED after resources are torn down), a second one exits at once with 130. Returns the exit code.
 */
export async function runSession(
  project: Project,
  executor: Executor,
  logFormat: ConsoleLoggerMode | undefined,
  start: (options: CliRunOptions) => Promise<RunResult>,
): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.interrupted);
    process.stderr.write("\nCanceling the run (press Ctrl-C again to exit immediately)...\n");
    controller.abort(new Error("Canceled with Ctrl-C (SIGINT)."));
  };
  process.on("SIGINT", onSigint);
  try {
    const instance = await project.storage();
    await waitForRunSlot(project, instance, controller.signal);
    const result = await start({
      instance,
      defaultIOManager: project.defaultIOManager(),
      executor,
      signal: controller.signal,
      loggers: [consoleLogger({ ...(logFormat ? { mode: logFormat } : {}), stream: process.stderr }), ...(await project.loggers(await project.definitions()))],
      heartbeatMs: project.config.runs.heartbeatMs,
      baseDir: project.dir,
      ...(project.modulePath ? { definitionsModule: project.modulePath } : {}),
    });
    process.stdout.write(`${result.runId} ${result.status}\n`);
    return result.status === "SUCCESS" ? EXIT.success : result.status === "CANCELED" ? EXIT.interrupted : EXIT.runFailed;
  } finally {
    process.off("SIGINT", onSigint);
    await executor.teardown?.();
  }
}

/** `runs.maxConcurrent` in orch.yaml: wait (polling the instance) until fewer runs than that are going. */
async function waitForRunSlot(project: Project, instance: InstanceStorage, signal: AbortSignal): Promise<void> {
  const max = project.config.runs.maxConcurrent;
  if (max === undefined) return;
  let told = false;
  for (;;) {
    const running = await instance.listRuns({ statuses: ["STARTING", "STARTED", "CANCELING"], limit: max });
    if (running.length < max || signal.aborted) return;
    if (!told) process.stderr.write(`Waiting for a run slot: ${running.length} of ${max} allowed runs are going (runs.maxConcurrent in orch.yaml).\n`);
    told = true;
    await sleep(1000, undefined, { signal }).catch(() => undefined);
  }
}
