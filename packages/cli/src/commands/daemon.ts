import { join } from "node:path";
import { Daemon, inProcessLauncher, type Definitions, type InstanceStorage, type RunLauncher } from "@orch/core";
import { Option, type Command } from "commander";
import { withProject } from "../cli-context.ts";
import { UsageError } from "../exit-codes.ts";
import { processLauncher } from "../process-launcher.ts";
import { queueLimits } from "../queue-config.ts";
import type { Project } from "../project.ts";
import { positiveInt } from "./runs.ts";

export interface DaemonFlags {
  intervalMs?: number;
  launcher?: "process" | "in_process" | "queue";
}

/** `orch daemon`: schedules, sensors, backfills, the run queue and run monitoring over this instance. */
export function registerDaemon(program: Command): void {
  program
    .command("daemon")
    .description("run schedules, sensors, backfills and the run queue until stopped (SIGTERM/Ctrl-C finish the tick in progress)")
    .option("--interval-ms <ms>", "how often each loop wakes (default daemon.intervalMs in orch.yaml, 1000)", (v) => positiveInt(v, "--interval-ms"))
    .addOption(new Option("--launcher <launcher>", "start runs in child processes, inside the daemon, or on `orch worker` processes (queue)").choices(["process", "in_process", "queue"]))
    .action((flags: DaemonFlags, command: Command) =>
      withProject(command, async (project, globals) => {
        const { daemon, launcher, definitions, instance } = await buildDaemon(project, flags, globals.module);
        const controller = new AbortController();
        const stop = (signal: string) => {
          process.stderr.write(`orch daemon: ${signal} received, finishing the tick in progress; queued runs stay queued.\n`);
          controller.abort(new Error(signal));
        };
        const onTerm = () => stop("SIGTERM");
        const onInt = () => stop("SIGINT");
        process.on("SIGTERM", onTerm);
        process.on("SIGINT", onInt);
        try {
          // On a storage many hosts share, daemons elect one leader; the others stand by here until it dies.
          const distribution = instance.distribution;
          if (distribution !== undefined) {
            process.stderr.write(`orch daemon: standing by for leadership (pid ${process.pid})\n`);
            await distribution.lead(controller.signal);
            process.stderr.write("orch daemon: leading\n");
          }
          await daemon.acquire();
          process.stderr.write(
            `orch daemon: started (pid ${process.pid}, ${definitions.schedules.size} schedule(s), ${definitions.sensors.size} sensor(s), ${launcher.name} launcher)\n`,
          );
          await daemon.run(controller.signal);
          if (launcher.name === "in-process") await launcher.drain?.();
          process.stderr.write("orch daemon: stopped\n");
        } finally {
          process.off("SIGTERM", onTerm);
          process.off("SIGINT", onInt);
        }
      }),
    );
}

/** The daemon over this project's instance, with orch.yaml's settings and the flags' overrides (`orch daemon`, `orch dev`). */
export async function buildDaemon(project: Project, flags: DaemonFlags, module: string | undefined): Promise<{ daemon: Daemon; launcher: RunLauncher; definitions: Definitions; instance: InstanceStorage }> {
  const definitions = await project.definitions();
  const instance = await project.storage();
  const launcher = await createLauncher(project, flags.launcher ?? project.config.daemon.launcher, module);
  const daemon = new Daemon({
    definitions,
    instance,
    launcher,
    limits: queueLimits(project.config),
    intervalMs: flags.intervalMs ?? project.config.daemon.intervalMs,
    staleAfterMs: project.config.daemon.staleAfterMs,
    runStaleAfterMs: project.config.runs.staleAfterMs,
    runRetries: project.config.runs.retries,
    log: (line) => process.stderr.write(`orch daemon: ${line}\n`),
  });
  return { daemon, launcher, definitions, instance };
}

/** What a run started inside this process needs from the project: IO manager, executor, loggers, heartbeat, paths. */
export async function inProcessRunOptions(project: Project, definitions: Definitions) {
  return {
    defaultIOManager: project.defaultIOManager(),
    executor: await project.executor(definitions),
    loggers: await project.loggers(definitions),
    heartbeatMs: project.config.runs.heartbeatMs,
    baseDir: project.dir,
    ...(project.modulePath ? { definitionsModule: project.modulePath } : {}),
  };
}

async function createLauncher(project: Project, kind: "process" | "in_process" | "queue", module: string | undefined): Promise<RunLauncher> {
  const instance = await project.storage();
  if (kind === "queue") {
    if (instance.distribution === undefined) {
      throw new UsageError(
        `[orch] [cli] ${project.config.source.path}: the queue launcher hands runs to \`orch worker\` processes, which needs a storage many hosts share (storage: { type: postgres }); "${instance.name}" is not one.`,
      );
    }
    return instance.distribution.launcher();
  }
  if (kind === "in_process") {
    const definitions = await project.definitions();
    return inProcessLauncher(definitions, instance, await inProcessRunOptions(project, definitions));
  }
  return processLauncher({
    instance,
    // The child is this same CLI (whatever started it: bin/orch.js, a build), with the same node flags.
    cli: [...process.execArgv, process.argv[1]!],
    cwd: project.dir,
    ...(module ? { globalArgs: ["-m", module] } : {}),
    logDir: join(project.instanceDir, "run-logs"),
  });
}
