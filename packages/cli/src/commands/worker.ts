import { executeQueuedRun } from "@orch/core";
import type { Command } from "commander";
import { withProject } from "../cli-context.ts";
import { UsageError } from "../exit-codes.ts";
import { inProcessRunOptions } from "./daemon.ts";
import { positiveInt } from "./runs.ts";

/**
 * `orch worker --concurrency N`: executes the runs a daemon released (launcher `queue`), N at a time, taking them
 * from the storage's job queue. Any number of workers on any number of hosts share one instance.
 */
export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description("execute runs released by the daemon's queue launcher, on this host (SIGTERM/Ctrl-C finish the runs in progress)")
    .option("--concurrency <n>", "runs executed at once", (v) => positiveInt(v, "--concurrency"), 4)
    .action((flags: { concurrency: number }, command: Command) =>
      withProject(command, async (project) => {
        const instance = await project.storage();
        const distribution = instance.distribution;
        if (distribution === undefined) {
          throw new UsageError(
            `[orch] [cli] ${project.config.source.path}: orch worker takes runs from a job queue many hosts share, which needs storage: { type: postgres }; "${instance.name}" is not one.`,
          );
        }
        const definitions = await project.definitions();
        const options = await inProcessRunOptions(project, definitions);
        const controller = new AbortController();
        const stop = (signal: string) => {
          process.stderr.write(`orch worker: ${signal} received, finishing the runs in progress.\n`);
          controller.abort(new Error(signal));
        };
        const onTerm = () => stop("SIGTERM");
        const onInt = () => stop("SIGINT");
        process.on("SIGTERM", onTerm);
        process.on("SIGINT", onInt);
        process.stderr.write(`orch worker: started (pid ${process.pid}, concurrency ${flags.concurrency})\n`);
        try {
          await distribution.work({
            concurrency: flags.concurrency,
            signal: controller.signal,
            steps: { definitions, defaultIOManager: options.defaultIOManager, baseDir: project.dir, heartbeatMs: options.heartbeatMs },
            execute: async (runId) => {
              // A run already started or ended elsewhere is not executed again (executeQueuedRun's claim refuses it);
              // a failing run has recorded its failure on the run itself.
              const result = await executeQueuedRun(definitions, instance, runId, options).catch(() => undefined);
              process.stderr.write(`orch worker: ${runId} ${result?.status ?? "not executed"}\n`);
            },
          });
          process.stderr.write("orch worker: stopped\n");
        } finally {
          process.off("SIGTERM", onTerm);
          process.off("SIGINT", onInt);
        }
      }),
    );
}
