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
  let ready = false;
  const stopped = new Promise<void>((resolve) => {
    worker.on("message", (message: unknown) => {
      if (message === "ready") ready = true;
      if (message === "stopped") resolve();
    });
    void exited.then(resolve);
  });
  // A worker that cannot start (database gone) only loses the beat; the run goes on.
  worker.on("error", () => undefined);
  return {
    async stop() {
      // Not started yet, so nothing written: no need to wait for it to load SQLite only to close it again.
      if (!ready) return void (await worker.terminate());
      // Referenced until it confirms (the beat must be over when this resolves); it exits on its own after.
      worker.ref();
      worker.postMessage("stop");
      await stopped;
      worker.unref();
    },
  };
}
