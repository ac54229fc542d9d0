import type { Definitions } from "../definitions.ts";
import type { InstanceStorage } from "../storage.ts";
import { executeQueuedRun, type ExecuteQueuedRunOptions } from "./execute-queued-run.ts";
import type { RunLauncher } from "./launcher.ts";

/**
 * Runs each launched run inside this process (tests, benchmarks, and `daemon.launcher: in_process`). A run that
 * crashes the process takes the daemon with it: the process launcher is the default for that reason.
 */
export function inProcessLauncher(definitions: Definitions, instance: InstanceStorage, options: ExecuteQueuedRunOptions = {}): RunLauncher {
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const listeners: (() => void)[] = [];
  return {
    name: "in-process",
    async launch(run) {
      const controller = new AbortController();
      const done = executeQueuedRun(definitions, instance, run.runId, { ...options, signal: controller.signal }).then(
        () => undefined,
        () => undefined, // executeQueuedRun has already recorded the failure on the run.
      );
      running.set(run.runId, { controller, done });
      void done.finally(() => {
        running.delete(run.runId);
        for (const listener of listeners) listener();
      });
    },
    cancel(runId) {
      const entry = running.get(runId);
      entry?.controller.abort(new Error(`Run ${runId} was canceled with orch runs cancel.`));
      return entry !== undefined;
    },
    running: () => [...running.keys()],
    onRunEnded: (listener) => void listeners.push(listener),
    async drain() {
      while (running.size > 0) await Promise.all([...running.values()].map((entry) => entry.done));
    },
  };
}
