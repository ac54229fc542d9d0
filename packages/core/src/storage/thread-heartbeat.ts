import { Worker } from "node:worker_threads";
import type { HeartbeatHandle } from "../storage.ts";

/** What a storage's heartbeat script receives; it answers a stop with `{ stopped: beat }` once that beat's last write is done. */
export type HeartbeatThreadMessage =
  | { readonly type: "start"; readonly beat: number; readonly runId: string; readonly intervalMs: number }
  | { readonly type: "stop"; readonly beat: number };

/**
 * The heartbeats of one storage's runs, written from one worker thread with its own database connection (`file` is
 * the storage's heartbeat script, `workerData` what it needs to connect): they keep beating while the run's event
 * loop is blocked (a synchronous step) and die with the process (a killed worker stops beating). One thread for every
 * run of the process, started on the first beat and kept: a thread per run cost a new isolate, module loading and a
 * connection for every run.
 */
export class HeartbeatThread {
  readonly #file: URL;
  readonly #workerData: unknown;
  #worker: Worker | undefined;
  #next = 0;
  /** Beats in progress, by the thread that writes them. */
  readonly #active = new Map<number, Worker>();
  readonly #stopping = new Map<number, () => void>();

  constructor(file: URL, workerData: unknown) {
    this.#file = file;
    this.#workerData = workerData;
  }

  start(runId: string, intervalMs: number): HeartbeatHandle {
    const beat = ++this.#next;
    const worker = this.#spawn();
    this.#active.set(beat, worker);
    worker.postMessage({ type: "start", beat, runId, intervalMs } satisfies HeartbeatThreadMessage);
    return {
      stop: () => {
        const on = this.#active.get(beat);
        this.#active.delete(beat);
        // Its thread is gone (it died, or the storage closed): no beat of it can be written any more.
        if (on === undefined || on !== this.#worker) return Promise.resolve();
        return new Promise<void>((resolve) => {
          this.#stopping.set(beat, resolve);
          // Referenced until it confirms (the beat must be over when this resolves).
          on.ref();
          on.postMessage({ type: "stop", beat } satisfies HeartbeatThreadMessage);
        });
      },
    };
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  #spawn(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(this.#file, { workerData: this.#workerData });
    this.#worker = worker;
    worker.unref();
    worker.on("message", (message: { stopped: number }) => {
      this.#stopping.get(message.stopped)?.();
      this.#stopping.delete(message.stopped);
      if (this.#stopping.size === 0) worker.unref();
    });
    // A thread that cannot start or dies only loses the beats it wrote (as a killed process does); a stop waiting on
    // it resolves, and the next run's beat starts a new thread.
    worker.on("error", () => undefined);
    worker.once("exit", () => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const resolve of this.#stopping.values()) resolve();
      this.#stopping.clear();
      for (const [beat, on] of this.#active) if (on === worker) this.#active.delete(beat);
    });
    return worker;
  }
}
