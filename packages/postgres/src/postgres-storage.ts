import { ErrorCode, HeartbeatThread, OrchError, type AutomationStorage, type InstanceStorage } from "@orch/core";
import { createAutomationQueries } from "./automation-queries.ts";
import { createDb } from "./db.ts";
import { getAssetEvents, getAssetIndex, getEvents, wipeAsset } from "./event-queries.ts";
import { getFailedPartitions, getLatestCheckResults, getPartitionStatusCounts } from "./partition-queries.ts";
import { EventWriter, type Durability } from "./event-writer.ts";
import { assertSchemaName, migrate } from "./migrations.ts";
import { EventNotifier } from "./notifier.ts";
import { jobQueueDistribution } from "./distribution.ts";
import { openPool } from "./pool.ts";
import { closeRun, deleteRuns, getRun, insertRun, listRuns, updateRun } from "./run-queries.ts";
import { createStateQueries } from "./state-queries.ts";

const HEARTBEAT_WORKER = new URL(`./heartbeat-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

export interface PostgresStorageOptions {
  /** `postgres://user:password@host:port/database` */
  readonly url: string;
  /** The schema holding orch's tables, created if missing; default `orch`. One schema is one instance. */
  readonly schema?: string;
  /** Pooled connections; default 10. */
  readonly poolSize?: number;
  /** How far an acknowledged event append survives; default `"process"` (see Durability). */
  readonly durability?: Durability;
}

export interface PostgresStorageStats {
  /** `append_events()` calls made; concurrent appends share one. */
  readonly eventBatches: number;
  readonly eventsWritten: number;
}

export interface PostgresStorage extends InstanceStorage {
  readonly schema: string;
  /** Resolves once the schema is migrated (every call waits for it anyway); returns the versions this process applied. */
  ready(): Promise<number[]>;
  stats(): PostgresStorageStats;
  /**
   * Calls `listener` with the newest event id whenever any process appends events to this instance (LISTEN/NOTIFY
   * on a dedicated connection), instead of polling. Returns the function that stops listening.
   */
  watchEvents(listener: (latestEventId: number) => void): Promise<() => Promise<void>>;
}

/**
 * Instance storage in a PostgreSQL schema shared by every daemon, worker and webserver of the instance. Appends
 * are batched (one round trip per batch); every other call first waits for appends already made, so a caller
 * reads its own writes in order.
 */
export function postgresStorage(options: PostgresStorageOptions): PostgresStorage {
  const schema = options.schema ?? "orch";
  assertSchemaName(schema);
  const pool = openPool({ url: options.url, schema, ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}) });
  const db = createDb(pool);
  const migrated = migrate(pool, schema);
  // Callers see the failure through the calls they make; this only keeps it from being "unhandled".
  migrated.catch(() => undefined);
  const writer = new EventWriter(db, options.durability ?? "process");
  const notifier = new EventNotifier({ url: options.url, schema });
  const state = createStateQueries(db);
  const heartbeats = new HeartbeatThread(HEARTBEAT_WORKER, { url: options.url, schema });
  let closed = false;

  async function ready(): Promise<void> {
    if (closed) throw new OrchError(ErrorCode.STORAGE_ERROR, `The PostgreSQL instance storage (schema "${schema}") is closed.`, { pkg: "postgres" });
    await migrated;
    await writer.idle();
  }
  /** Wraps a query so that it runs once the schema is ready and earlier appends are written. */
  const after =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await ready();
      return fn(...args);
    };

  // Once this process leads (advisory lock), it takes the daemon lock row over from whoever wrote it last.
  let leading = false;
  const distribution = jobQueueDistribution({ url: options.url, schema }, db, () => storage, (listener) => storage.watchEvents(listener), () => (leading = true));
  const queries = createAutomationQueries(db);
  const acquireDaemonLock = queries.acquireDaemonLock;
  queries.acquireDaemonLock = (holder, staleAfterMs) => acquireDaemonLock(holder, leading ? -1 : staleAfterMs);
  const automation = Object.fromEntries(
    Object.entries(queries).map(([name, query]) => [name, after(query as (...args: unknown[]) => Promise<unknown>)]),
  ) as unknown as AutomationStorage;

  const storage: PostgresStorage = {
    name: "postgres",
    schema,
    ...automation,
    distribution,
    ready: () => migrated,
    stats: () => ({ eventBatches: writer.batches, eventsWritten: writer.eventsWritten }),
    watchEvents: async (listener) => {
      await ready();
      return notifier.watch(listener);
    },

    createRun: after((run) => insertRun(db, run)),
    updateRun: after((runId, update) => updateRun(db, runId, update)),
    getRun: after((runId) => getRun(db, runId)),
    listRuns: after((filter = {}) => listRuns(db, filter)),
    deleteRuns: after((runIds) => deleteRuns(db, runIds)),

    async appendEvents(events) {
      if (closed) await ready();
      await migrated;
      if (events.length === 0) return;
      await writer.append(events);
    },
    closeRun: after((runId, from, events, update) => closeRun(db, runId, from, events, update)),
    getEvents: after((runId, query = {}) => getEvents(db, runId, query)),
    getAssetEvents: after((assetKey, types, query = {}) => getAssetEvents(db, assetKey, types, query)),
    getAssetIndex: after((assetKeys, indexOptions = {}) => getAssetIndex(db, assetKeys, indexOptions.byPartition ?? false)),
    getFailedPartitions: after((assetKeys) => getFailedPartitions(db, assetKeys)),
    getPartitionStatusCounts: after((assetKeys) => getPartitionStatusCounts(db, assetKeys)),
    getLatestCheckResults: after((assetKeys) => getLatestCheckResults(db, assetKeys)),
    wipeAsset: after((assetKey) => wipeAsset(db, assetKey)),

    setHeartbeat: after(state.setHeartbeat),
    // A run released to the job queue beats through its job until the worker's own beats start: the queue may
    // hold it longer than runs.staleAfterMs when every worker is busy, and it must not be taken for crashed.
    getHeartbeat: after(async (runId) => {
      const [beat, job] = await Promise.all([state.getHeartbeat(runId), distribution.jobSeenAt(runId)]);
      return beat === undefined && job === undefined ? undefined : Math.max(beat ?? 0, job ?? 0);
    }),
    startHeartbeat: (runId, intervalMs) => {
      if (closed) throw new OrchError(ErrorCode.STORAGE_ERROR, `The PostgreSQL instance storage (schema "${schema}") is closed.`, { pkg: "postgres" });
      return heartbeats.start(runId, intervalMs);
    },
    getDynamicPartitions: after(state.getDynamicPartitions),
    addDynamicPartitions: after(state.addDynamicPartitions),
    deleteDynamicPartition: after(state.deleteDynamicPartition),
    getState: after(state.getState),
    setState: after(state.setState),

    async close() {
      if (closed) return;
      await migrated.catch(() => undefined);
      await writer.idle();
      closed = true;
      await heartbeats.close();
      await notifier.close();
      await distribution.close();
      await pool.end();
    },
  };
  return storage;
}
