import { Worker } from "node:worker_threads";
import type { HeartbeatHandle } from "../storage.ts";

/**
 * A heartbeat written from a worker thread with its own database connection (`file` is the storage's worker
 * script, `workerData` what it needs to connect): it keeps beating while the run's event loop is blocked (a
 * synchronous step), and dies with the process (a killed run stops beating). The script posts "ready" once it
 * beats, and on "stop" stops, closes its connection and posts "stopped".
 */
export function workerThreadHeartbeat(file: URL, workerData: unknown): HeartbeatHandle {
  const worker = new Worker(file, { workerData });
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
      // Not started yet, so nothing written: no need to wait for it to connect only to close again.
      if (!ready) return void (await worker.terminate());
      // Referenced until it confirms (the beat must be over when this resolves); it exits on its own after.
      worker.ref();
      worker.postMessage("stop");
      await stopped;
      worker.unref();
    },
  };
}
