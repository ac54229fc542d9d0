import type { OrchEvent } from "./events.ts";
import type { StepLogger } from "./logger.ts";
import type { RunRecord } from "./run-record.ts";

export interface RunListenerContext {
  /** Lines logged here become LOG events of the run (e.g. a warning that an alert could not be sent). */
  readonly log: StepLogger;
  readonly resources: Readonly<Record<string, unknown>>;
}

/**
 * Sees every event of every run made from the definitions, and the finished run at the end (collect what you
 * need from `onEvent`; events are not kept for you). Errors thrown by a
 * listener are logged as warnings and never fail the run; `onRunEnd` is awaited before resources are torn down.
 */
export interface RunListener {
  readonly kind: "orch.listener";
  readonly name: string;
  readonly resources?: readonly string[];
  onEvent?(event: OrchEvent, context: RunListenerContext): void | Promise<void>;
  onRunEnd?(run: RunRecord, context: RunListenerContext): void | Promise<void>;
}

export function defineListener(listener: Omit<RunListener, "kind">): RunListener {
  return { kind: "orch.listener", ...listener };
}
