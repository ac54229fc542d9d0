import type { Definitions } from "../definitions.ts";
import type { EventSink, LogLevel } from "../events.ts";
import type { IOManager } from "../io-manager.ts";
import { makeStepLogger, type StepLogger } from "../logger.ts";
import type { Metadata } from "../metadata.ts";
import type { ProcessIdentity } from "../process-identity.ts";
import type { RunRecord } from "../run-record.ts";
import { ResourceScope } from "./resource-scope.ts";
import type { ResolvedRunConfig } from "./run-config.ts";

/**
 * Everything the step runner needs for one run, built once per run (in process) or once per worker. Plain
 * services, no globals, so the thread executor can build the same thing in a worker.
 */
export interface RunServices {
  readonly definitions: Definitions;
  readonly run: RunRecord;
  readonly events: EventSink;
  readonly resources: ResourceScope;
  readonly ioManager: (key: string) => IOManager;
  readonly ioManagerName: (key: string) => string;
  readonly config: ResolvedRunConfig;
  readonly signal: AbortSignal;
  /** Collects log-event promises so a step can wait for its lines to be durable. */
  readonly pending: Set<Promise<void>>;
  /** The process running the steps when it is not the run's own (an `orch worker`): recorded on STEP_START. */
  readonly worker?: ProcessIdentity;
}

/** A logger whose lines become LOG events of the run (the event bus masks secrets in message and metadata). */
export function runLogger(services: Pick<RunServices, "run" | "events" | "config" | "pending">, stepKey?: string): StepLogger {
  return makeStepLogger((level: LogLevel, message: string, metadata?: Metadata) => {
    const p = services.events
      .emit({
        runId: services.run.runId,
        timestamp: Date.now(),
        ...(stepKey !== undefined ? { stepKey } : {}),
        type: "LOG",
        level,
        message,
        ...(metadata ? { metadata } : {}),
      })
      .catch(() => undefined);
    services.pending.add(p);
    void p.finally(() => services.pending.delete(p));
  });
}

/**
 * The services of one run (or of one step of it, on a worker): IO managers by key, and resources scoped to the run
 * that log through its event sink.
 */
export function createRunServices(parts: {
  readonly definitions: Definitions;
  readonly run: RunRecord;
  readonly events: EventSink;
  readonly ioManagers: ReadonlyMap<string, { readonly name: string; readonly manager: IOManager }>;
  readonly config: ResolvedRunConfig;
  readonly signal: AbortSignal;
  readonly worker?: ProcessIdentity;
}): RunServices {
  const { definitions, run, events, ioManagers, config, signal } = parts;
  const services: RunServices = {
    definitions,
    run,
    events,
    resources: undefined as never,
    ioManager: (key) => ioManagers.get(key)!.manager,
    ioManagerName: (key) => ioManagers.get(key)?.name ?? key,
    config,
    signal,
    pending: new Set(),
    ...(parts.worker !== undefined ? { worker: parts.worker } : {}),
  };
  (services as { resources: ResourceScope }).resources = new ResourceScope(definitions, config.resourceConfig, run.runId, runLogger(services));
  return services;
}
