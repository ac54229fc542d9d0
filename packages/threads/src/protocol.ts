import type { MessagePort } from "node:worker_threads";
import type { BoundInstance, InputContext, OrchEvent, OutputContext, PlannedStep, RunRecord, SerializedError, StepOutcome } from "@orch/core";
import type { WireValue } from "./codec.ts";

/** What every task carries so a worker can (re)build its state for the run. */
export interface TaskBase {
  /** Absolute path of the definitions module. */
  readonly module: string;
  readonly runConfig: unknown;
  readonly run: RunRecord;
  readonly baseDir: string;
  /** Modules whose default export is a ValueCodec, loaded in the worker too. */
  readonly codecs: readonly string[];
  /** orch.yaml's resources and IO managers were bound on the main thread: the worker binds its copy the same way. */
  readonly instance?: BoundInstance;
  /** The task's private channel to the main thread (events, IO, abort). */
  readonly port: MessagePort;
}

export type TaskRequest =
  | (TaskBase & { readonly kind: "init" })
  | (TaskBase & { readonly kind: "step"; readonly step: PlannedStep })
  | { readonly kind: "teardown"; readonly port: MessagePort };

/** Workers never throw from a task: a rejected task always means the worker itself died or was terminated. */
export type TaskResult = { readonly ok: true; readonly outcome?: StepOutcome } | { readonly ok: false; readonly error: SerializedError };

/** Context objects without their logger (functions do not cross threads). */
export type WireOutputContext = Omit<OutputContext, "log">;
export type WireInputContext = Omit<InputContext, "log">;

export type IORequest =
  | { readonly op: "handleOutput"; readonly key: string; readonly context: WireOutputContext; readonly value: WireValue }
  | { readonly op: "loadInput"; readonly key: string; readonly context: WireInputContext }
  | { readonly op: "hasOutput"; readonly key: string; readonly context: WireOutputContext };

/** Worker → main. */
export type WorkerMessage =
  | { readonly t: "event"; readonly id: number; readonly event: OrchEvent }
  | ({ readonly t: "io"; readonly id: number } & IORequest)
  | { readonly t: "arrived" };

/** Main → worker. */
export type MainMessage =
  | { readonly t: "ack"; readonly id: number; readonly error?: SerializedError }
  | { readonly t: "io-result"; readonly id: number; readonly ok: true; readonly value: WireValue }
  | { readonly t: "io-result"; readonly id: number; readonly ok: false; readonly error: SerializedError }
  | { readonly t: "abort"; readonly reason: string }
  | { readonly t: "release" };
