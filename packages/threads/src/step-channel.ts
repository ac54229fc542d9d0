import { MessageChannel, type MessagePort } from "node:worker_threads";
import { serializeError, type EventSink, type IOManager, type OrchEvent, type StepLogger } from "@orch/core";
import { postWithTransfer, type CodecSet } from "./codec.ts";
import type { IORequest, MainMessage, WorkerMessage } from "./protocol.ts";

export interface ChannelHost {
  readonly events: EventSink;
  readonly codecs: CodecSet;
  ioManager(key: string): IOManager;
  logger(stepKey?: string): StepLogger;
}

/**
 * The main thread's end of one task's channel. Worker events are emitted on the run's sink one after another,
 * in arrival order, and each is acked once durable; IO requests are served by the run's main-thread IO managers.
 * It also remembers what the step reported, so a crash can be turned into an accurate STEP_FAILURE.
 */
export class StepChannel {
  /** The end to transfer to the worker. */
  readonly port: MessagePort;
  readonly #local: MessagePort;
  readonly #host: ChannelHost;
  #chain: Promise<void> = Promise.resolve();
  #onArrived: (() => void) | undefined;
  lastAttempt = 0;
  /** STEP_SUCCESS or STEP_FAILURE already reported by the worker. */
  terminal: "success" | "failure" | undefined;
  readonly handledOutputs: string[] = [];

  constructor(host: ChannelHost) {
    const { port1, port2 } = new MessageChannel();
    this.#local = port1;
    this.port = port2;
    this.#host = host;
    port1.on("message", (message: WorkerMessage) => this.#receive(message));
  }

  /** Resolves once every event received so far has been emitted. */
  settled(): Promise<void> {
    return this.#chain;
  }

  /** Asks the step to stop (its `signal` aborts in the worker). */
  abort(reason: string): void {
    this.#post({ t: "abort", reason });
  }

  onArrived(callback: () => void): void {
    this.#onArrived = callback;
  }

  release(): void {
    this.#post({ t: "release" });
  }

  close(): void {
    this.#local.close();
  }

  #post(message: MainMessage): void {
    this.#local.postMessage(message);
  }

  #receive(message: WorkerMessage): void {
    if (message.t === "arrived") return this.#onArrived?.();
    if (message.t === "io") return void this.#serveIO(message.id, message);
    const { id, event } = message;
    this.#track(event);
    this.#chain = this.#chain
      .then(() => this.#host.events.emit(event))
      .then(
        () => this.#post({ t: "ack", id }),
        (error: unknown) => this.#post({ t: "ack", id, error: serializeError(error) }),
      );
  }

  #track(event: OrchEvent): void {
    if (event.type === "STEP_START") this.lastAttempt = event.attempt;
    else if (event.type === "STEP_SUCCESS") this.terminal = "success";
    else if (event.type === "STEP_FAILURE") this.terminal = "failure";
    else if (event.type === "HANDLED_OUTPUT") this.handledOutputs.push(event.outputName);
  }

  async #serveIO(id: number, request: IORequest): Promise<void> {
    try {
      // Decoded first: a value that crossed as a hand-off file is read (and its file removed) even if the IO manager fails.
      const value = request.op === "handleOutput" ? await this.#host.codecs.decode(request.value) : undefined;
      const manager = this.#host.ioManager(request.key);
      const context = { ...request.context, log: this.#host.logger(request.context.stepKey) };
      let result: unknown;
      if (request.op === "handleOutput") result = await manager.handleOutput(context as never, value);
      else if (request.op === "loadInput") result = await manager.loadInput(context as never);
      else result = (await manager.hasOutput?.(context as never)) ?? false;
      // The IO manager may still hold what it returned (the in-memory `io` does): copy its memory, never move it.
      const { wire, transfer } = await this.#host.codecs.encode(result, { keep: true });
      postWithTransfer(this.#local, { t: "io-result", id, ok: true, value: wire } satisfies MainMessage, transfer);
    } catch (error) {
      this.#post({ t: "io-result", id, ok: false, error: serializeError(error) });
    }
  }
}
