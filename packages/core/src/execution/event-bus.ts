import { redactSecretsDeep } from "../env.ts";
import { ErrorCode, isOrchError, type OrchError } from "../errors.ts";
import type { EventSink, OrchEvent } from "../events.ts";
import { LOG_LEVEL_ORDER, type Logger } from "../logger.ts";
import type { RunListener, RunListenerContext } from "../listener.ts";
import type { InstanceStorage } from "../storage.ts";

/** Events the bus waits on: everything emitted before them is durable when they resolve. */
const DURABLE_POINTS: ReadonlySet<OrchEvent["type"]> = new Set(["STEP_START", "STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED", "RUN_START", "RUN_SUCCESS", "RUN_FAILURE", "RUN_CANCELED"]);

/**
 * The run's event sink: appends each event to the instance (resolving once durable), then hands it to loggers
 * (synchronously) and listeners (without waiting; their work is awaited at run end). A failing logger or
 * listener never fails the run. Every event passes here, from every executor, so this is where values read
 * from the environment (`{ env }` config) are masked in every string of the event, before storage, loggers and
 * listeners see it.
 */
export class RunEventBus implements EventSink {
  readonly #storage: InstanceStorage;
  readonly #loggers: readonly Logger[];
  readonly #listeners: readonly RunListener[];
  readonly #secrets: readonly string[];
  readonly #listenerWork = new Set<Promise<void>>();
  #unsettled: Promise<void>[] = [];
  #listenerContext: (listener: RunListener) => RunListenerContext = () => {
    throw new Error("listener context not set");
  };
  #listenerErrors: { listener: string; error: unknown }[] = [];
  #fenced: OrchError | undefined;
  #onFenced: (error: OrchError) => void = () => undefined;

  constructor(storage: InstanceStorage, loggers: readonly Logger[], listeners: readonly RunListener[], secrets: readonly string[] = []) {
    this.#storage = storage;
    this.#secrets = secrets;
    this.#loggers = loggers;
    this.#listeners = listeners.filter((l) => l.onEvent);
  }

  setListenerContext(make: (listener: RunListener) => RunListenerContext): void {
    this.#listenerContext = make;
  }

  /**
   * Called once when the storage refuses the run's events because the run already ended (another process
   * declared it dead): the run must stop. Every later event is dropped.
   */
  onFenced(handle: (error: OrchError) => void): void {
    this.#onFenced = handle;
  }

  /** The storage's refusal, once the run was fenced off. */
  get fenced(): OrchError | undefined {
    return this.#fenced;
  }

  async emit(raw: OrchEvent): Promise<void> {
    if (this.#fenced) return;
    const event = redactSecretsDeep(raw, this.#secrets);
    // Every append starts now, in order; the bus waits for durability only at a step's start and end and at
    // the run's start and end, so the events in between share a storage batch. A step's start is durable before
    // its compute runs, so crash detection always knows which steps were in flight.
    const stored = this.#storage.appendEvents([event]).catch((error: unknown) => {
      if (!isOrchError(error, ErrorCode.RUN_ALREADY_ENDED)) throw error;
      if (this.#fenced) return;
      this.#fenced = error;
      this.#onFenced(error);
    });
    this.#unsettled.push(stored);
    stored.catch(() => undefined);
    if (DURABLE_POINTS.has(event.type) || this.#unsettled.length >= 256) {
      const waiting = this.#unsettled;
      this.#unsettled = [];
      await Promise.all(waiting);
    }
    // Refused by the fence: nobody hears of an event the instance does not have.
    if (this.#fenced) return;
    this.#deliver(event);
  }

  /**
   * Hands the run's loggers and listeners an event another process already stored for this run (a step an
   * `orch worker` executed for the queue executor, its secrets masked there), without storing it again. Dropped
   * once the run was fenced off, like emitted events.
   */
  relay(event: OrchEvent): void {
    if (this.#fenced) return;
    this.#deliver(event);
  }

  #deliver(event: OrchEvent): void {
    for (const logger of this.#loggers) {
      if (event.type === "LOG" && LOG_LEVEL_ORDER[event.level] < LOG_LEVEL_ORDER[logger.level ?? "info"]) continue;
      try {
        logger.handle(event);
      } catch {
        // A broken logger must not break the run; the event is already stored.
      }
    }
    for (const listener of this.#listeners) {
      // A listener's own warnings are LOG events too; do not feed them back into it.
      if (event.type === "LOG" && event.metadata?.["listener"] === listener.name) continue;
      const work = Promise.resolve()
        .then(() => listener.onEvent!(event, this.#listenerContext(listener)))
        .catch((error: unknown) => {
          this.#listenerErrors.push({ listener: listener.name, error });
        });
      this.#listenerWork.add(work);
      void work.finally(() => this.#listenerWork.delete(work));
    }
  }

  /** Waits until every event emitted so far is durable. */
  async settle(): Promise<void> {
    const waiting = this.#unsettled;
    this.#unsettled = [];
    await Promise.all(waiting);
  }

  /** Listener failures since the last call. */
  takeListenerErrors(): { listener: string; error: unknown }[] {
    const out = this.#listenerErrors;
    this.#listenerErrors = [];
    return out;
  }

  /** Waits for listeners' in-flight work (bounded by `timeoutMs`). */
  async drainListeners(timeoutMs: number): Promise<void> {
    if (this.#listenerWork.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.#listenerWork),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
