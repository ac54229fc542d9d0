import { assertValidPartitionKey, ErrorCode, HeartbeatThread, OrchError, timerHeartbeat, type AutomationStorage, type InstanceStorage, type OrchEvent } from "@orch/core";
import { openConnection, type Connection, type Durability } from "./connection.ts";
import { getAssetEvents, getAssetIndex, wipeAsset } from "./asset-queries.ts";
import { deleteRunsAndEvents } from "./delete-runs.ts";
import { getFailedPartitions, getLatestCheckResults, getPartitionStatusCounts } from "./partition-queries.ts";
import { createEventWriter, getEvents } from "./event-queries.ts";
import { applyRetention, type RetentionOptions } from "./retention.ts";
import { schemaVersion } from "./migrations.ts";
import { closeRun, getRun, insertRun, listRuns, updateRun } from "./run-queries.ts";
import { createStateQueries } from "./state-queries.ts";
import { createAutomationQueries } from "./automation-queries.ts";
import { WriteBatcher } from "./write-batcher.ts";

const HEARTBEAT_WORKER = new URL(`./heartbeat-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

export interface SqliteStorageOptions {
  /** The database file, or `":memory:"`. Its folder is created if missing. */
  readonly path: string;
  /** `"process"` (default) survives a killed process; `"power"` also survives power loss (fsync per commit). */
  readonly durability?: Durability;
  readonly retention?: RetentionOptions;
}

/** Counters for tests and benchmarks. */
export interface SqliteStorageStats {
  /** Event write transactions committed; concurrent appends share one. */
  readonly eventTransactions: number;
  readonly eventsWritten: number;
}

export interface SqliteStorage extends InstanceStorage {
  readonly path: string;
  stats(): SqliteStorageStats;
  /** Runs a retention pass now (it also runs on open and every `checkEveryEvents` appends). */
  applyRetention(): number;
  /** The connection's settings, for diagnostics and tests. */
  inspect(): { journalMode: string; synchronous: "NORMAL" | "FULL" | "OTHER"; schemaVersion: number };
  /** Folds the WAL back into the database file (for size measurements and backups). */
  checkpoint(): void;
}

/**
 * Instance storage in one SQLite file (better-sqlite3, WAL). Concurrent `appendEvents` calls within one turn of
 * the event loop are written in one transaction; every other call first flushes queued events, so reads and
 * writes see appends in the order they were made.
 */
export function sqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  const conn: Connection = openConnection(options.path, options.durability ?? "process");
  const state = createStateQueries(conn);
  const retention = options.retention ?? {};
  const checkEvery = retention.checkEveryEvents ?? 10_000;
  let eventsWritten = 0;
  let eventsSinceRetention = 0;
  let closed = false;

  const writeEvents = createEventWriter(conn);
  const heartbeats = new HeartbeatThread(HEARTBEAT_WORKER, { path: options.path });
  const batcher = new WriteBatcher<OrchEvent>((batches) => {
    const written = writeEvents(batches);
    eventsWritten += written;
    eventsSinceRetention += written;
  });
  applyRetention(conn, retention);

  /** Flushes queued events so the caller sees them, and refuses use after close. */
  function ready(): Connection {
    if (closed) {
      throw new OrchError(ErrorCode.STORAGE_ERROR, `The SQLite instance storage ${options.path} is closed.`, { pkg: "sqlite" });
    }
    batcher.flush();
    return conn;
  }

  function maybeApplyRetention(): void {
    if (eventsSinceRetention < checkEvery || closed) return;
    eventsSinceRetention = 0;
    if (retention.maxAgeDays !== undefined || retention.maxEventRows !== undefined) applyRetention(conn, retention);
  }

  const queries = createAutomationQueries(conn);
  // Each automation call flushes queued events first, like every other call, and reports errors as rejections.
  const automation = Object.fromEntries(
    Object.entries(queries).map(([name, query]) => [name, async (...args: unknown[]) => (ready(), (query as (...a: unknown[]) => unknown)(...args))]),
  ) as unknown as AutomationStorage;

  return {
    name: "sqlite",
    ...automation,
    path: options.path,
    stats: () => ({ eventTransactions: batcher.transactions, eventsWritten }),
    applyRetention: () => applyRetention(ready(), retention),
    inspect() {
      const db = ready().db;
      const level = db.pragma("synchronous", { simple: true });
      return {
        journalMode: String(db.pragma("journal_mode", { simple: true })),
        synchronous: level === 1 ? "NORMAL" : level === 2 ? "FULL" : "OTHER",
        schemaVersion: schemaVersion(db),
      };
    },
    checkpoint: () => void ready().db.pragma("wal_checkpoint(TRUNCATE)"),

    createRun: async (run) => insertRun(ready(), run),
    updateRun: async (runId, update) => updateRun(ready(), runId, update),
    getRun: async (runId) => getRun(ready(), runId),
    listRuns: async (filter = {}) => listRuns(ready(), filter),
    deleteRuns: async (runIds) => deleteRunsAndEvents(ready(), runIds),

    async appendEvents(events) {
      if (closed) ready();
      if (events.length === 0) return;
      await batcher.enqueue(events);
      maybeApplyRetention();
    },
    closeRun: async (runId, from, events, update) =>
      closeRun(ready(), (batches) => {
        const written = writeEvents(batches);
        eventsWritten += written;
        return written;
      }, runId, from, events, update),
    getEvents: async (runId, query = {}) => getEvents(ready(), runId, query),
    getAssetEvents: async (assetKey, types, query = {}) => getAssetEvents(ready(), assetKey, types, query),
    getAssetIndex: async (assetKeys, indexOptions = {}) => getAssetIndex(ready(), assetKeys, indexOptions.byPartition ?? false),
    getFailedPartitions: async (assetKeys) => getFailedPartitions(ready(), assetKeys),
    getPartitionStatusCounts: async (assetKeys) => getPartitionStatusCounts(ready(), assetKeys),
    getLatestCheckResults: async (assetKeys) => getLatestCheckResults(ready(), assetKeys),
    wipeAsset: async (assetKey) => wipeAsset(ready(), assetKey),

    setHeartbeat: async (runId, at) => (ready(), state.setHeartbeat(runId, at)),
    getHeartbeat: async (runId) => (ready(), state.getHeartbeat(runId)),
    startHeartbeat: (runId, intervalMs) => {
      ready();
      // An in-memory database has no file another connection could open; only this process can read it anyway.
      return options.path === ":memory:"
        ? timerHeartbeat(async (at) => void (closed || state.setHeartbeat(runId, at)), intervalMs)
        : heartbeats.start(runId, intervalMs);
    },
    getDynamicPartitions: async (name) => (ready(), state.getDynamicPartitions(name)),
    addDynamicPartitions: async (name, keys) => {
      ready();
      for (const key of keys) assertValidPartitionKey(key, `Dynamic partitions "${name}"`);
      state.addDynamicPartitions(name, keys);
    },
    deleteDynamicPartition: async (name, key) => (ready(), state.deleteDynamicPartition(name, key)),
    getState: async (namespace, key) => (ready(), state.getState(namespace, key)),
    setState: async (namespace, key, value) => (ready(), state.setState(namespace, key, value)),

    async close() {
      if (closed) return;
      batcher.flush();
      closed = true;
      await heartbeats.close();
      conn.db.close();
    },
  };
}
