import type { AutomationStorage } from "./automation-storage.ts";
import type { OrchEvent, OrchEventType, StoredEvent } from "./events.ts";
import type { Severity } from "./type-check.ts";
import type { Definitions } from "./definitions.ts";
import type { IOManager } from "./io-manager.ts";
import type { IOManagerDefinition } from "./definitions.ts";
import type { RunLauncher } from "./queue/launcher.ts";
import type { RunRecord, RunStatus, RunUpdate } from "./run-record.ts";

export interface RunFilter {
  readonly statuses?: readonly RunStatus[];
  readonly runIds?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
  /** Runs created before this many ms since the epoch. */
  readonly createdBefore?: number;
  /** Newest first; default 100. */
  readonly limit?: number;
}

export interface EventQuery {
  /** Only events with an id greater than this (for tailing). */
  readonly afterId?: number;
  readonly types?: readonly OrchEventType[];
  readonly limit?: number;
}

export interface AssetEventQuery {
  readonly partition?: string;
  readonly limit?: number;
  /** Newest first when true (default). */
  readonly descending?: boolean;
}

/** The latest materialization/observation of an asset, overall or per partition. */
export interface AssetIndexEntry {
  readonly assetKey: string;
  readonly partition: string | null;
  readonly lastMaterialization?: StoredEvent;
  readonly lastObservation?: StoredEvent;
}

/**
 * Per asset, how many partitions the storage counts (SQL aggregates, never a key list): `failed` when the latest
 * attempt to materialize the partition failed (a STEP_FAILURE naming it, later than its last materialization),
 * `materialized` when it has a materialization and is not failed.
 */
export interface PartitionStatusCounts {
  readonly assetKey: string;
  readonly materialized: number;
  readonly failed: number;
}

/** A partition whose latest materialization attempt failed, and the run and time of that failure. */
export interface FailedPartition {
  readonly assetKey: string;
  readonly partition: string;
  readonly runId: string;
  readonly timestamp: number;
}

/** The latest evaluation of one check of an asset, as the check index keeps it (no event body to decode). */
export interface LatestCheckResult {
  readonly assetKey: string;
  readonly checkName: string;
  readonly passed: boolean;
  readonly severity: Severity;
  readonly runId: string;
  /** The ASSET_CHECK_EVALUATION event's id, comparable with other event ids. */
  readonly eventId: number;
  readonly timestamp: number;
}

export interface HeartbeatHandle {
  /** Stops beating; resolves once no further heartbeat will be written. */
  stop(): Promise<void>;
}

/**
 * What a storage shared by many hosts (PostgreSQL) adds so runs spread over `orch worker` processes and one of
 * several daemons coordinates. Declared by the storage (`InstanceStorage.distribution`), never probed for.
 */
export interface RunDistribution {
  /** The launcher a daemon uses to hand the runs its coordinator released to the workers' job queue. */
  launcher(): RunLauncher;
  /**
   * Takes released runs from the job queue and calls `execute` for each, `concurrency` at a time, until `signal`
   * aborts. With `steps`, also runs single steps of runs executed with the queue executor.
   */
  work(options: {
    readonly concurrency: number;
    readonly execute: (runId: string) => Promise<void>;
    readonly signal: AbortSignal;
    readonly steps?: { readonly definitions: Definitions; readonly defaultIOManager?: IOManager | IOManagerDefinition; readonly baseDir?: string; readonly heartbeatMs?: number };
  }): Promise<void>;
  /**
   * Resolves once this process is the instance's coordinating daemon (leader election); a second daemon stands by
   * here and takes over when the leader's process dies. Afterwards `acquireDaemonLock` takes the lock over from
   * any holder, since leadership already proves no other daemon coordinates. Rejects when `signal` aborts first.
   */
  lead(signal: AbortSignal): Promise<void>;
}

/**
 * The instance storage contract: runs, the event log, the asset index derived from it, and the small state
 * tables schedules, sensors and dynamic partitions need. `@orch/core/testing` exports a contract suite every
 * implementation runs. The automation half (ticks, run keys, the queue, backfills, daemons) is in AutomationStorage.
 */
export interface InstanceStorage extends AutomationStorage {
  readonly name: string;
  /** Present on storages whose runs can be executed by `orch worker` processes on other hosts. */
  readonly distribution?: RunDistribution;

  createRun(run: RunRecord): Promise<void>;
  updateRun(runId: string, update: RunUpdate): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  listRuns(filter?: RunFilter): Promise<RunRecord[]>;
  /** Deletes runs and their events; returns how many runs were removed. */
  deleteRuns(runIds: readonly string[]): Promise<number>;

  /**
   * Appends events; resolves once they are durable. The asset index is updated in the same write. A fence: events
   * of a run whose record is finished (SUCCESS, FAILURE, CANCELED) are refused with `RUN_ALREADY_ENDED` (the
   * whole call), so a worker that was declared dead cannot write after the fact.
   */
  appendEvents(events: readonly OrchEvent[]): Promise<void>;
  /**
   * Ends a run another process judged: appends its `events` and applies `update` in one transaction, only if the run's
   * status is still one of `from`. All of it or nothing: returns false, writing nothing, when the run moved on (a
   * worker took it, it ended). Crash detection closes dead runs with it, so a run that changed status meanwhile
   * keeps a log without the crash's events. The fence holds:
   * closing a run `from` a finished status with events is refused with `RUN_ALREADY_ENDED`.
   */
  closeRun(runId: string, from: readonly RunStatus[], events: readonly OrchEvent[], update: RunUpdate): Promise<boolean>;
  getEvents(runId: string, query?: EventQuery): Promise<StoredEvent[]>;
  /** Materializations, observations and check evaluations of one asset, newest first by default. */
  getAssetEvents(assetKey: string, types: readonly OrchEventType[], query?: AssetEventQuery): Promise<StoredEvent[]>;
  /** Latest materialization/observation per asset (and per partition when `byPartition`). */
  getAssetIndex(assetKeys?: readonly string[], options?: { byPartition?: boolean }): Promise<AssetIndexEntry[]>;
  /**
   * The failed-partition index: partitions whose latest materialization attempt failed (a `STEP_FAILURE` with
   * `failedPartitions` naming them, after their last materialization; a later materialization clears it, so does
   * deleting the failing run or wiping the asset). Ordered by asset key, then partition key (string order).
   */
  getFailedPartitions(assetKeys?: readonly string[]): Promise<FailedPartition[]>;
  /** Materialized and failed partition counts per asset that has either, counted by the storage. */
  getPartitionStatusCounts(assetKeys?: readonly string[]): Promise<PartitionStatusCounts[]>;
  /** The latest evaluation of each check of each asset (any partition), ordered by asset key then check name. */
  getLatestCheckResults(assetKeys?: readonly string[]): Promise<LatestCheckResult[]>;
  /** Forgets an asset's history (events stay in their runs' logs but leave the index). */
  wipeAsset(assetKey: string): Promise<void>;

  /** Liveness of a run's worker, for crash detection. */
  setHeartbeat(runId: string, at: number): Promise<void>;
  getHeartbeat(runId: string): Promise<number | undefined>;
  /**
   * Writes the run's heartbeat every `intervalMs` until stopped. Storages read by other processes write it off
   * the caller's event loop (SQLite: a worker thread with its own connection), so a step that blocks the loop
   * does not stop the beat.
   */
  startHeartbeat(runId: string, intervalMs: number): HeartbeatHandle;

  getDynamicPartitions(name: string): Promise<string[]>;
  addDynamicPartitions(name: string, keys: readonly string[]): Promise<void>;
  deleteDynamicPartition(name: string, key: string): Promise<void>;

  /** Small key/value state for schedules and sensors (cursors, last tick). */
  getState(namespace: string, key: string): Promise<string | undefined>;
  setState(namespace: string, key: string, value: string | undefined): Promise<void>;

  close(): Promise<void>;
}
