import { randomUUID } from "node:crypto";
import { consoleLogger, watchForCancel, type ConsoleLoggerMode, type Executor, type InstanceStorage, type IOManagerDefinition, type Logger, type RunResult } from "@orch/core";
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
  /** The run's id; with `queued`, the record exists already (STARTED, through the queue). */
  runId: string;
  queued?: boolean;
}

/** Waits in the run queue for a slot (orch.yaml's runs limits); resolves the queued run's id, undefined without limits. */
export type QueueSlot = (instance: InstanceStorage, signal: AbortSignal) => Promise<string | undefined>;

/**
 * Runs one materialization with console progress and Ctrl-C handling: the first SIGINT cancels the run (it ends
 * CANCELED after resources are torn down), a second one exits at once with 130; SIGTERM cancels like the first
 * SIGINT (that is how the daemon cancels a run it started in a child process), and so does `orch runs cancel` from
 * another terminal (the run's status turns CANCELING). Returns the exit code.
 */
export async function runSession(
  project: Project,
  executor: Executor,
  logFormat: ConsoleLoggerMode | undefined,
  start: (options: CliRunOptions) => Promise<RunResult | undefined>,
  queueSlot?: QueueSlot,
): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.interrupted);
    process.stderr.write("\nCanceling the run (press Ctrl-C again to exit immediately)...\n");
    controller.abort(new Error("Canceled with Ctrl-C (SIGINT)."));
  };
  const onSigterm = () => controller.abort(new Error("Canceled: the run's process received SIGTERM."));
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  let stopWatching = () => undefined as void;
  try {
    const instance = await project.storage();
    const queuedRunId = await queueSlot?.(instance, controller.signal);
    const runId = queuedRunId ?? randomUUID();
    stopWatching = watchForCancel(instance, runId, controller);
    const result = await start({
      instance,
      defaultIOManager: project.defaultIOManager(),
      executor,
      signal: controller.signal,
      loggers: [consoleLogger({ ...(logFormat ? { mode: logFormat } : {}), stream: process.stderr }), ...(await project.loggers(await project.definitions()))],
      heartbeatMs: project.config.runs.heartbeatMs,
      baseDir: project.dir,
      ...(project.modulePath ? { definitionsModule: project.modulePath } : {}),
      runId,
      ...(queuedRunId !== undefined ? { queued: true } : {}),
    });
    if (result === undefined) {
      process.stderr.write("The run was canceled before it started.\n");
      return EXIT.interrupted;
    }
    process.stdout.write(`${result.runId} ${result.status}\n`);
    return result.status === "SUCCESS" ? EXIT.success : result.status === "CANCELED" ? EXIT.interrupted : EXIT.runFailed;
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
    stopWatching();
    await executor.teardown?.();
  }
}
