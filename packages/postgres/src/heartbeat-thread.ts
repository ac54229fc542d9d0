import { Worker } from "node:worker_threads";
import type { HeartbeatHandle } from "@orch/core";

const WORKER_FILE = new URL(`./heartbeat-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

/**
 * A heartbeat written from a worker thread with its own connection: it keeps beating while the run's event loop
 * is blocked (a synchronous step), and dies with the process (a killed worker stops beating).
 */
export function threadHeartbeat(url: string, schema: string, runId: string, intervalMs: number): HeartbeatHandle {
  const worker = new Worker(WORKER_FILE, { workerData: { url, schema, runId, intervalMs } });
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
  worker.on("error", () => undefined);
  return {
    async stop() {
      // Not connected yet, so nothing written: no need to wait for the connection only to close it again.
      if (!ready) return void (await worker.terminate());
      worker.ref();
      worker.postMessage("stop");
      await stopped;
      worker.unref();
    },
  };
}
