import type { AssetEventQuery, AssetIndexEntry, EventQuery, RunFilter } from "../storage.ts";
import type { OrchEventType, StoredEvent } from "../events.ts";
import type { StepLogger } from "../logger.ts";
import type { PartitionRange, RunRecord } from "../run-record.ts";
import type { Definitions, JobDefinition } from "../definitions.ts";

/** `running` ticks are evaluated by the daemon; `stopped` ones only on `preview`. Overridden per instance by `orch schedule start|stop`. */
export type AutomationStatus = "running" | "stopped";

/**
 * What a schedule or sensor requests: a selection string or a job (by definition or by name), optionally a
 * partition key or range. A schedule defined over a partitioned selection fills `partitionKey` itself.
 */
export type AutomationTarget = string | JobDefinition | { readonly job: string } | PartitionedTarget;

/** A selection over time-partitioned assets: each tick requests the partition the tick closes. */
export interface PartitionedTarget {
  readonly kind: "orch.partitioned_target";
  readonly selection: string;
  /** Request the partition ending this many windows before the tick's closed one (default 0). */
  readonly offset?: number;
}

/** One run a tick asks for. The daemon launches at most one run per `runKey`, ever, per schedule or sensor. */
export interface RunRequest {
  /** Idempotency key; schedules use `schedule:<name>:<scheduled time ISO>`. */
  readonly runKey?: string;
  /** Overrides the owner's target: a selection string, a job, or `{ job: "name" }`. */
  readonly target?: string | JobDefinition | { readonly job: string };
  readonly partitionKey?: string;
  readonly partitionRange?: PartitionRange;
  readonly tags?: Readonly<Record<string, string>>;
  /** Run config, as `orch materialize --config` takes it. */
  readonly config?: unknown;
}

/** A normalized request: target resolved (owner's default applied) and tags merged. What the daemon enqueues. */
export interface ResolvedRunRequest extends Omit<RunRequest, "target"> {
  readonly target: { readonly selection: string } | { readonly job: string };
  readonly tags: Readonly<Record<string, string>>;
}

export interface SkipReason {
  readonly kind: "orch.skip";
  readonly message: string;
}

/** A line logged through the evaluation context's `log`, kept with the tick. */
export interface TickLogLine {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
}

/**
 * The outcome of one evaluation. Apply all of it: commit `cursor` when defined, enqueue `runRequests`, apply
 * `dynamicPartitions`; `error` marks the tick failed. A failed plain sensor or schedule tick has no requests and
 * no cursor (the previous cursor is kept); a run-status sensor whose handler failed on one run returns the cursor
 * and requests of the runs it handled before it, so none of them is handled twice.
 */
export interface TickResult {
  readonly runRequests: readonly ResolvedRunRequest[];
  readonly skipReason?: string;
  /** The cursor to commit; undefined means "unchanged". */
  readonly cursor?: string;
  readonly dynamicPartitions?: { readonly add?: Readonly<Record<string, readonly string[]>>; readonly delete?: Readonly<Record<string, readonly string[]>> };
  readonly error?: { readonly message: string; readonly name?: string; readonly stack?: string; readonly timedOut?: boolean };
  readonly logs: readonly TickLogLine[];
}

/** Materializations of some assets after an event id, across runs (ascending id); for asset sensors. */
export interface MaterializationsAfterQuery {
  readonly assetKeys: readonly string[];
  /** Exclusive; 0 or undefined from the beginning. */
  readonly afterEventId?: number;
  readonly limit?: number;
}

/** Events of any run with an id greater than `afterId` (ascending id), optionally of some types; for run-status sensors. */
export interface EventsAfterQuery {
  readonly afterId: number;
  readonly types?: readonly OrchEventType[];
  readonly limit?: number;
}

/**
 * What schedules and sensors may read: a narrow, read-only subset of `InstanceStorage`. The two `*After`
 * queries are global (across runs, ascending event id) and are what cursors point into.
 */
export interface InstanceReader {
  getRun(runId: string): Promise<RunRecord | undefined>;
  listRuns(filter?: RunFilter): Promise<RunRecord[]>;
  getEvents(runId: string, query?: EventQuery): Promise<StoredEvent[]>;
  getAssetEvents(assetKey: string, types: readonly OrchEventType[], query?: AssetEventQuery): Promise<StoredEvent[]>;
  getAssetIndex(assetKeys?: readonly string[], options?: { byPartition?: boolean }): Promise<AssetIndexEntry[]>;
  getDynamicPartitions(name: string): Promise<string[]>;
  getMaterializationsAfter(query: MaterializationsAfterQuery): Promise<StoredEvent[]>;
  getEventsAfter(query: EventsAfterQuery): Promise<StoredEvent[]>;
  /** The id of the newest event in the log (0 when empty): where a run-status sensor's first tick starts. */
  getLatestEventId(): Promise<number>;
}

interface EvaluationContextBase {
  readonly instance: InstanceReader;
  readonly definitions: Definitions;
  readonly resources: Readonly<Record<string, unknown>>;
  readonly log: StepLogger;
  /** Aborted when the evaluation times out or the daemon stops. */
  readonly signal: AbortSignal;
}

export interface ScheduleEvaluationContext extends EvaluationContextBase {
  readonly scheduleName: string;
  /** The due time of the tick (ms since the epoch), not the wall-clock time it is evaluated at. */
  readonly scheduledTime: number;
  /** `scheduledTime` as an ISO string in UTC. */
  readonly scheduledTimeIso: string;
}

export interface SensorEvaluationContext extends EvaluationContextBase {
  readonly sensorName: string;
  readonly cursor: string | undefined;
  /** The previous tick's evaluation time (ms), if any. */
  readonly lastTickAt: number | undefined;
  /** The evaluation time (the daemon's injectable clock). */
  readonly now: number;
}

/** What a user's evaluation returns. A `SkipReason` is shorthand for `{ skipReason }`. */
export interface SensorResult {
  readonly runRequests?: readonly RunRequest[];
  readonly cursor?: string;
  readonly skipReason?: string | SkipReason;
  readonly dynamicPartitions?: TickResult["dynamicPartitions"];
  /**
   * A failure after partial progress: the tick is failed, yet its cursor and requests are applied (run-status
   * sensors use it so the runs handled before a failing one are not handled again).
   */
  readonly error?: unknown;
}

export type ScheduleFunction = (context: ScheduleEvaluationContext) => readonly RunRequest[] | RunRequest | SkipReason | Promise<readonly RunRequest[] | RunRequest | SkipReason>;
export type SensorFunction = (context: SensorEvaluationContext) => SensorResult | readonly RunRequest[] | SkipReason | void | Promise<SensorResult | readonly RunRequest[] | SkipReason | void>;

export interface ScheduleDefinition {
  readonly kind: "orch.schedule";
  readonly name: string;
  readonly cron: string;
  readonly timezone: string;
  readonly description?: string;
  readonly defaultStatus: AutomationStatus;
  /** Missed ticks of a partitioned schedule run after downtime, newest kept (default 5). A plain schedule runs only its latest missed tick. */
  readonly maxCatchupRuns: number;
  /** Undefined with a function form that names its own targets. */
  readonly target?: AutomationTarget;
  readonly tags: Readonly<Record<string, string>>;
  readonly config?: unknown;
  readonly evaluate?: ScheduleFunction;
  /** Resource keys the function form needs. */
  readonly resources: readonly string[];
}

export type SensorKind = "plain" | "asset" | "run_status";

export interface SensorDefinition {
  readonly kind: "orch.sensor";
  readonly sensorKind: SensorKind;
  readonly name: string;
  readonly description?: string;
  readonly defaultStatus: AutomationStatus;
  readonly minimumIntervalSeconds: number;
  readonly target?: AutomationTarget;
  readonly tags: Readonly<Record<string, string>>;
  readonly resources: readonly string[];
  /** Asset sensors: the assets watched. */
  readonly assets?: readonly string[];
  /** Run-status sensors: the statuses handled and what is monitored. */
  readonly runStatus?: { readonly statuses: readonly ("SUCCESS" | "FAILURE" | "CANCELED")[]; readonly monitored?: { readonly selection?: string; readonly jobs?: readonly string[] } };
  readonly evaluate: SensorFunction;
}

/** Default sensor evaluation timeout. */
export const DEFAULT_SENSOR_TIMEOUT_MS = 60_000;

/** What both evaluation functions take besides their tick's own facts. */
export interface EvaluateTickOptions {
  readonly instance: InstanceReader;
  /** Request targets, partitioned targets and job names are resolved against it. */
  readonly definitions: Definitions;
  readonly resources?: Readonly<Record<string, unknown>>;
  /** Also receives the lines logged through the context's `log` (always kept in `TickResult.logs`). */
  readonly log?: StepLogger;
  /** Default 60 s; a throw or timeout gives a TickResult with `error` and no cursor. */
  readonly timeoutMs?: number;
  /** Aborts the evaluation from outside (daemon shutdown). */
  readonly signal?: AbortSignal;
}

export interface EvaluateScheduleTickOptions extends EvaluateTickOptions {
  readonly scheduledTime: number;
}

export interface EvaluateSensorTickOptions extends EvaluateTickOptions {
  readonly cursor: string | undefined;
  readonly lastTickAt: number | undefined;
  readonly now: number;
}

/** Signatures of the evaluation functions (implemented in this folder, exported from `@orch/core`). */
export type ScheduleTicksBetween = (schedule: ScheduleDefinition, afterMs: number, untilMs: number) => number[];
export type EvaluateScheduleTick = (schedule: ScheduleDefinition, options: EvaluateScheduleTickOptions) => Promise<TickResult>;
export type EvaluateSensorTick = (sensor: SensorDefinition, options: EvaluateSensorTickOptions) => Promise<TickResult>;
