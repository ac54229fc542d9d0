import type { MessagePort } from "node:worker_threads";
import type { EventSink, OrchEvent, SerializedError } from "@orch/core";
import { postWithTransfer, type WireValue } from "../codec.ts";
import type { IORequest, MainMessage } from "../protocol.ts";

/**
 * The worker's end of one task's channel: events are posted in order and `emit` resolves only when the main
 * thread has made the event durable (ack); IO requests wait for their result; an abort message aborts `signal`.
 */
export class PortClient implements EventSink {
  readonly #port: MessagePort;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  readonly #controller = new AbortController();
  #nextId = 1;
  #onRelease: (() => void) | undefined;

  constructor(port: MessagePort) {
    this.#port = port;
    port.on("message", (message: MainMessage) => this.#receive(message));
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  emit(event: OrchEvent): Promise<void> {
    const id = this.#nextId++;
    const done = this.#wait(id) as Promise<void>;
    this.#port.postMessage({ t: "event", id, event });
    return done;
  }

  request(request: IORequest, transfer: readonly ArrayBuffer[] = []): Promise<WireValue> {
    const id = this.#nextId++;
    const done = this.#wait(id) as Promise<WireValue>;
    try {
      postWithTransfer(this.#port, { t: "io", id, ...request }, transfer);
    } catch (error) {
      this.#pending.delete(id);
      throw error;
    }
    return done;
  }

  /** Teardown barrier: tells the main thread this worker is done and waits to be released. */
  arriveAndWait(): Promise<void> {
    return new Promise((resolve) => {
      this.#onRelease = resolve;
      this.#port.postMessage({ t: "arrived" });
    });
  }

  close(): void {
    this.#port.close();
  }

  #wait(id: number): Promise<unknown> {
    return new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject }));
  }

  #receive(message: MainMessage): void {
    if (message.t === "abort") return this.#controller.abort(new Error(message.reason));
    if (message.t === "release") return this.#onRelease?.();
    const waiter = this.#pending.get(message.id);
    if (!waiter) return;
    this.#pending.delete(message.id);
    if (message.t === "ack") {
      if (message.error) waiter.reject(rebuildError(message.error));
      else waiter.resolve(undefined);
    } else if (message.ok) waiter.resolve(message.value);
    else waiter.reject(rebuildError(message.error));
  }
}

/** An Error carrying the main thread's message and code, so the step runner reports it as if thrown here. */
export function rebuildError(serialized: SerializedError): Error {
  const error = new Error(serialized.message) as Error & { code?: string };
  error.name = serialized.name;
  if (serialized.code !== undefined) error.code = serialized.code;
  if (serialized.stack) error.stack = serialized.stack;
  return error;
}
