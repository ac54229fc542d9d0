import type { OrchEvent, ProcessIdentity } from "@orch/core";
import type { PostgresStorage } from "./postgres-storage.ts";

const PAGE = 1_000;

/**
 * The run process's view of the steps it sent to the workers: tails the run's event log (ids commit in id order, so
 * a tail by id never skips one) and hands each event a worker wrote for one of those steps to the run's loggers and
 * listeners (`relay`), once, in log order; remembers which process took each step (its STEP_START).
 */
export class RemoteStepEvents {
  readonly #storage: () => PostgresStorage;
  readonly #runId: string;
  readonly #relay: (event: OrchEvent) => void;
  /** Steps in flight on workers, with the process that started each once its STEP_START was read. */
  readonly #steps = new Map<string, ProcessIdentity | undefined>();
  #cursor = 0;
  #reading: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  constructor(storage: () => PostgresStorage, runId: string, relay: (event: OrchEvent) => void) {
    this.#storage = storage;
    this.#runId = runId;
    this.#relay = relay;
  }

  add(stepKey: string): void {
    this.#steps.set(stepKey, undefined);
  }

  /** The process executing the step, once it started. */
  worker(stepKey: string): ProcessIdentity | undefined {
    return this.#steps.get(stepKey);
  }

  /**
   * Relays what was stored since the last read. A read already in flight may have started before the caller's
   * reason to read (an outcome it just saw): such a call gets a read that starts after it (shared by its callers).
   */
  pull(): Promise<void> {
    if (this.#queued !== undefined) return this.#queued;
    if (this.#reading === undefined) return this.#start();
    this.#queued = this.#reading.then(
      () => ((this.#queued = undefined), this.#start()),
      () => ((this.#queued = undefined), this.#start()),
    );
    return this.#queued;
  }

  /** The step ended (its outcome was read, or it was given up): relays its last events, then no more of its events. */
  async finish(stepKey: string): Promise<void> {
    try {
      await this.pull();
    } finally {
      this.#steps.delete(stepKey);
    }
  }

  #start(): Promise<void> {
    const reading = this.#read().finally(() => {
      if (this.#reading === reading) this.#reading = undefined;
    });
    this.#reading = reading;
    return reading;
  }

  async #read(): Promise<void> {
    for (;;) {
      const page = await this.#storage().getEvents(this.#runId, { afterId: this.#cursor, limit: PAGE });
      for (const { id, ...event } of page) {
        this.#cursor = id;
        const stepKey = event.stepKey;
        // Only the steps on workers: the run's own events (and its in-process steps') reached the loggers already.
        if (stepKey === undefined || !this.#steps.has(stepKey)) continue;
        if (event.type === "STEP_START" && event.worker !== undefined) this.#steps.set(stepKey, event.worker);
        this.#relay(event as OrchEvent);
      }
      if (page.length < PAGE) return;
    }
  }
}
