import { Worker } from "node:worker_threads";
import type { HeartbeatHandle } from "@orch/core";

const WORKER_FILE = new URL(`./heartbeat-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

/**
 * A heartbeat written from a worker thread with its own connection to the database file: it keeps beating while
 * the run's event loop is blocked (a synchronous step), and dies with the process (a killed run stops beating).
 */
export function threadHeartbeat(path: string, runId: string, intervalMs: number): HeartbeatHandle {
  const worker = new Worker(WORKER_FILE, { workerData: { path, runId, intervalMs } });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  const ready = new Promise<void>((resolve) => {
    worker.once("message", () => resolve());
    worker.once("exit", () => resolve());
  });
  // A worker that cannot start (database gone) only loses the beat; the run goes on.
  worker.on("error", () => undefined);
  return {
    async stop() {
      // Unreferenced while beating (it must not keep a process alive), referenced while it shuts down.
      worker.ref();
      await ready;
      worker.postMessage("stop");
      await exited;
    },
  };
}
