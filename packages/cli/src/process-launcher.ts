import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync, closeSync } from "node:fs";
import { join } from "node:path";
import { closeDeadRun, type InstanceStorage, type RunLauncher } from "@orch/core";

export interface ProcessLauncherOptions {
  readonly instance: InstanceStorage;
  /** Node arguments that start this CLI (`[...process.execArgv, process.argv[1]]`). */
  readonly cli: readonly string[];
  readonly cwd: string;
  /** Global flags every child gets (`-m defs.ts`). */
  readonly globalArgs?: readonly string[];
  /** Where each run's stdout/stderr goes (`<logDir>/<runId>.log`). */
  readonly logDir: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Starts each run in its own `orch runs execute <id>` child process, so a run that crashes or leaks memory cannot
 * take the daemon down. A child that exits without ending its run gets it closed as FAILURE (while the daemon
 * lives; after, crash detection does). Children are not stopped when the daemon stops: they finish their runs.
 */
export function processLauncher(options: ProcessLauncherOptions): RunLauncher {
  const children = new Map<string, ChildProcess>();
  const listeners: (() => void)[] = [];
  mkdirSync(options.logDir, { recursive: true });
  return {
    name: "process",
    async launch(run) {
      const log = openSync(join(options.logDir, `${run.runId}.log`), "a");
      let child: ChildProcess;
      try {
        child = spawn(process.execPath, [...options.cli, ...(options.globalArgs ?? []), "runs", "execute", run.runId], {
          cwd: options.cwd,
          env: options.env ?? process.env,
          stdio: ["ignore", log, log],
          // Its own process group: Ctrl-C in the daemon's terminal does not cancel the runs, and the daemon can exit
          // (unref) while they finish.
          detached: true,
        });
        child.unref();
      } finally {
        closeSync(log);
      }
      children.set(run.runId, child);
      await new Promise<void>((resolve, reject) => {
        child.once("spawn", resolve);
        child.once("error", reject);
      });
      child.once("exit", (code, signal) => {
        const ended = () => {
          children.delete(run.runId);
          for (const listener of listeners) listener();
        };
        if (code === 0) return ended();
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const reason = `run worker (pid ${child.pid}) ${how}; its output is in ${join(options.logDir, `${run.runId}.log`)}`;
        // Still watched until closed, so the daemon's crash detection does not close it first with less to say;
        // if closing fails, crash detection closes it once it is no longer watched.
        void closeDeadRun(options.instance, run.runId, reason).catch(() => undefined).finally(ended);
      });
    },
    cancel(runId) {
      const child = children.get(runId);
      return child?.kill("SIGTERM") ?? false;
    },
    running: () => [...children.keys()],
    onRunEnded: (listener) => void listeners.push(listener),
    async drain() {
      await Promise.all([...children.values()].map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once("exit", resolve)))));
    },
  };
}
