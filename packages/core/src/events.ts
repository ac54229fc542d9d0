import type { SerializedError } from "./errors.ts";
import type { Metadata } from "./metadata.ts";
import type { ProcessIdentity } from "./process-identity.ts";
import type { Severity } from "./type-check.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface EventBase {
  readonly runId: string;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly stepKey?: string;
}

/** The single union of everything that happens in a run. Storages, loggers and listeners all consume it. */
export type OrchEventBody =
  | { readonly type: "RUN_ENQUEUED" }
  | { readonly type: "RUN_START"; readonly stepKeys: readonly string[]; readonly partitionKey?: string }
  | { readonly type: "RUN_SUCCESS"; readonly durationMs: number }
  | {
      readonly type: "RUN_FAILURE";
      readonly durationMs: number;
      readonly reason: string;
      readonly failedSteps: readonly string[];
      readonly error?: SerializedError;
    }
  | { readonly type: "RUN_CANCELED"; readonly durationMs: number; readonly reason: string }
  | {
      readonly type: "STEP_START";
      readonly stepKey: string;
      readonly attempt: number;
      /** The process executing the step when it is not the run's own (an `orch worker` of the queue executor). */
      readonly worker?: ProcessIdentity;
      /**
       * The asset partitions the step is to materialize (partitioned steps only), as `failedPartitions` names them:
       * when its worker dies, crash detection fails those it did not store.
       */
      readonly partitions?: { readonly assetKeys: readonly string[]; readonly partitions: readonly string[] };
    }
  | { readonly type: "STEP_SUCCESS"; readonly stepKey: string; readonly durationMs: number }
  | {
      readonly type: "STEP_FAILURE";
      readonly stepKey: string;
      readonly durationMs: number;
      readonly attempt: number;
      readonly error: SerializedError;
      /**
       * The asset partitions this failure left unmaterialized (partitioned steps only): the storage's failed-partition
       * index reads it. Asset keys in string form (`a/b`).
       */
      readonly failedPartitions?: { readonly assetKeys: readonly string[]; readonly partitions: readonly string[] };
    }
  | {
      readonly type: "STEP_RETRY";
      readonly stepKey: string;
      readonly attempt: number;
      readonly delayMs: number;
      readonly error: SerializedError;
    }
  | { readonly type: "STEP_SKIPPED"; readonly stepKey: string; readonly reason: string }
  | {
      readonly type: "STEP_INPUT_TYPE_CHECK" | "STEP_OUTPUT_TYPE_CHECK";
      readonly stepKey: string;
      /** Input or output name. */
      readonly name: string;
      readonly typeName: string;
      readonly success: boolean;
      readonly severity: Severity;
      readonly description?: string;
      readonly metadata: Metadata;
    }
  | {
      readonly type: "LOADED_INPUT";
      readonly stepKey: string;
      readonly inputName: string;
      readonly ioManager: string;
      readonly upstreamStepKey: string;
      readonly upstreamRunId: string;
    }
  | {
      readonly type: "HANDLED_OUTPUT";
      readonly stepKey: string;
      readonly outputName: string;
      readonly ioManager: string;
      readonly metadata: Metadata;
    }
  | {
      readonly type: "ASSET_MATERIALIZATION";
      readonly assetKey: readonly string[];
      readonly partition?: string;
      readonly metadata: Metadata;
      readonly dataVersion?: string;
      readonly codeVersion?: string;
    }
  | {
      readonly type: "ASSET_OBSERVATION";
      readonly assetKey: readonly string[];
      readonly partition?: string;
      readonly metadata: Metadata;
      readonly dataVersion?: string;
    }
  | {
      readonly type: "ASSET_CHECK_EVALUATION";
      readonly assetKey: readonly string[];
      readonly checkName: string;
      readonly passed: boolean;
      readonly severity: Severity;
      readonly blocking: boolean;
      readonly partition?: string;
      readonly description?: string;
      readonly metadata: Metadata;
    }
  | { readonly type: "LOG"; readonly level: LogLevel; readonly message: string; readonly metadata?: Metadata }
  | { readonly type: "HOOK_COMPLETED" | "HOOK_ERRORED"; readonly stepKey: string; readonly hook: string; readonly error?: SerializedError };

export type OrchEvent = EventBase & OrchEventBody;
export type OrchEventType = OrchEvent["type"];
export type EventOf<T extends OrchEventType> = Extract<OrchEvent, { type: T }>;

/** An event as read back from storage: with its position in the log. */
export type StoredEvent = OrchEvent & { readonly id: number };

export const RUN_END_EVENTS: ReadonlySet<OrchEventType> = new Set(["RUN_SUCCESS", "RUN_FAILURE", "RUN_CANCELED"]);

/** Where the step runner and executors put events. Resolves once the event is durable in the instance. */
export interface EventSink {
  emit(event: OrchEvent): Promise<void>;
}
