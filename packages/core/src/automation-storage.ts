import type { SerializedError } from "./errors.ts";
import type { OrchEventType, StoredEvent } from "./events.ts";
import type { RunRecord, RunStatus, RunUpdate } from "./run-record.ts";

/** A schedule or a sensor: what the daemon evaluates on ticks. */
export type InstigatorKind = "schedule" | "sensor";
export type InstigatorStatus = "running" | "stopped";

/** What the instance remembers of a schedule or sensor between ticks and daemon restarts. */
export interface InstigatorState {
  readonly name: string;
  readonly kind: InstigatorKind;
  /** Set by `orch schedule|sensor start|stop`; absent means the definition's `defaultStatus`. */
  readonly status?: InstigatorStatus;
  readonly cursor?: string;
  /** The time of the last completed tick (a schedule's scheduled time, a sensor's evaluation time). */
  readonly lastTickAt?: number;
  readonly updatedAt: number;
}

export type TickStatus = "success" | "skipped" | "failure";

/** One evaluation of a schedule or a sensor. */
export interface TickRecord {
  readonly instigator: string;
  readonly kind: InstigatorKind;
  /** The scheduled time (schedules) or the evaluation time (sensors), ms since the epoch. */
  readonly timestamp: number;
  readonly status: TickStatus;
  readonly runIds: readonly string[];
  /** Run keys of the requests whose run already existed (not launched again). */
  readonly skippedRunKeys?: readonly string[];
  readonly skipReason?: string;
  readonly error?: SerializedError;
  readonly cursorBefore?: string;
  readonly cursorAfter?: string;
  readonly durationMs: number;
  /** Lines the evaluation logged. */
  readonly logs?: readonly { readonly level: string; readonly message: string }[];
}

export type StoredTick = TickRecord & { readonly id: number };

/** A run to create QUEUED, with the run key that makes it launch at most once per instigator. */
export interface EnqueueRequest {
  readonly run: RunRecord;
  readonly runKey?: { readonly instigator: string; readonly key: string };
}

/** What `enqueueRuns` did with one request: created it, or found the run its run key already launched. */
export interface EnqueueOutcome {
  readonly runId: string;
  readonly created: boolean;
}

export type BackfillStatus = "REQUESTED" | "COMPLETED" | "CANCELING" | "CANCELED" | "FAILED";

/** A backfill: the partitions to run and how far submission got. Per-partition status is read from its runs. */
export interface BackfillRecord {
  readonly backfillId: string;
  readonly status: BackfillStatus;
  readonly selection?: string;
  readonly jobName?: string;
  /** The run units: one partition key each, or one range for `backfillPolicy: "single_run"`. */
  readonly units: readonly BackfillUnit[];
  /** How many units have been submitted to the queue. */
  readonly submitted: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly runConfig: unknown;
  readonly createdAt: number;
  readonly endedAt?: number;
  /** How many times it was resumed (resumed units get new run keys). */
  readonly attempt?: number;
}

export type BackfillUnit = { readonly partitionKey: string } | { readonly partitionRange: { readonly start: string; readonly end: string } };

export type BackfillUpdate = Partial<Pick<BackfillRecord, "status" | "submitted" | "endedAt" | "attempt">>;

/** The instance-wide lock that keeps one daemon per instance. */
export interface DaemonLockHolder {
  readonly daemonId: string;
  readonly pid: number;
  readonly host: string;
  readonly startedAt: number;
  readonly heartbeatAt: number;
}

export type DaemonLockResult = { readonly acquired: true } | { readonly acquired: false; readonly holder: DaemonLockHolder };

export interface DaemonHeartbeat {
  readonly daemonId: string;
  /** scheduler, sensors, queue, backfills, monitor. */
  readonly loop: string;
  readonly at: number;
  readonly error?: string;
}

/** Events across every run, in log order: asset sensors (materializations) and run-status sensors (run ends). */
export interface EventLogQuery {
  /** Only events with an id greater than this. */
  readonly afterId?: number;
  /** Default: every type. */
  readonly types?: readonly OrchEventType[];
  /** Only events of these assets (keys as `a/b`). */
  readonly assetKeys?: readonly string[];
  /** Default 1,000. */
  readonly limit?: number;
}

/**
 * The part of the instance storage the daemon needs: tick history, instigator state, run keys, the run queue,
 * backfills and daemon heartbeats. Every `InstanceStorage` implements it; the contract suite covers it.
 */
export interface AutomationStorage {
  /**
   * Creates runs QUEUED with a RUN_ENQUEUED event each, all in one write. A request whose run key was used
   * before by the same instigator creates nothing and reports the run that key launched.
   */
  enqueueRuns(requests: readonly EnqueueRequest[]): Promise<EnqueueOutcome[]>;
  /** The run a run key launched, if any. */
  getRunIdForKey(instigator: string, runKey: string): Promise<string | undefined>;
  /** Queued runs, oldest first (FIFO order; the coordinator applies priorities). */
  getQueuedRuns(limit?: number): Promise<RunRecord[]>;
  /**
   * Compare-and-set on a run's status: applies `update` only if the run's status is one of `from`. Returns
   * whether it did. Claiming a queued run is `transitionRun(id, ["QUEUED"], { status: "STARTING" })`: of two
   * coordinators racing on one instance, exactly one wins.
   */
  transitionRun(runId: string, from: readonly RunStatus[], update: RunUpdate): Promise<boolean>;

  /** Records ticks in one write (a daemon pass records all of its ticks together); returns their ids. */
  addTicks(ticks: readonly TickRecord[]): Promise<number[]>;
  /** Newest first. */
  getTicks(instigator: string, options?: { readonly limit?: number; readonly before?: number }): Promise<StoredTick[]>;
  /** Deletes ticks older than `timestamp`; returns how many. */
  deleteTicksBefore(timestamp: number): Promise<number>;

  getInstigatorState(name: string): Promise<InstigatorState | undefined>;
  listInstigatorStates(): Promise<InstigatorState[]>;
  /** Replaces the state of each named schedule or sensor, in one write. */
  setInstigatorStates(states: readonly InstigatorState[]): Promise<void>;

  createBackfill(backfill: BackfillRecord): Promise<void>;
  updateBackfill(backfillId: string, update: BackfillUpdate): Promise<void>;
  getBackfill(backfillId: string): Promise<BackfillRecord | undefined>;
  /** Newest first. */
  listBackfills(options?: { readonly statuses?: readonly BackfillStatus[]; readonly limit?: number }): Promise<BackfillRecord[]>;

  /**
   * Takes the one-daemon lock, or refreshes it when `holder.daemonId` holds it. A holder whose heartbeat is older
   * than `staleAfterMs` is taken over. Otherwise reports who holds it.
   */
  acquireDaemonLock(holder: DaemonLockHolder, staleAfterMs: number): Promise<DaemonLockResult>;
  releaseDaemonLock(daemonId: string): Promise<void>;
  getDaemonLock(): Promise<DaemonLockHolder | undefined>;
  setDaemonHeartbeat(heartbeat: DaemonHeartbeat): Promise<void>;
  getDaemonHeartbeats(): Promise<DaemonHeartbeat[]>;

  /** Events of every run after an id, in log order (what sensor cursors point into). */
  getEventsAfter(query: EventLogQuery): Promise<StoredEvent[]>;
  /** ASSET_MATERIALIZATION events of these assets after an event id, in log order (asset sensors). */
  getMaterializationsAfter(query: { readonly assetKeys: readonly string[]; readonly afterEventId?: number; readonly limit?: number }): Promise<StoredEvent[]>;
  /** The id of the newest event in the log, 0 when it is empty. */
  getLatestEventId(): Promise<number>;
}
