import type Database from "better-sqlite3";
import { ErrorCode, OrchError, type SchemaMigration } from "@orch/core";

/**
 * The schema, as an ordered list of steps. Never edit a step that has shipped: add a new one. `PRAGMA
 * user_version` records how far a database got, so an instance written by an older orch opens in a newer one.
 * Unpartitioned asset rows use the partition `''` (core refuses empty partition keys).
 */
export const MIGRATIONS: readonly SchemaMigration[] = [
  {
    version: 1,
    description: "runs, run tags, event log, asset index, heartbeats, dynamic partitions, key/value state",
    sql: `
      CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        ended_at INTEGER,
        status_reason TEXT,
        body TEXT NOT NULL
      );
      CREATE INDEX runs_by_created_at ON runs (created_at);
      CREATE TABLE run_tags (
        run_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID;
      CREATE INDEX run_tags_by_key_value ON run_tags (key, value);
      CREATE TABLE event_logs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL,
        type TEXT NOT NULL,
        step_key TEXT,
        asset_key TEXT,
        partition TEXT,
        timestamp INTEGER NOT NULL,
        body TEXT
      );
      CREATE INDEX event_logs_by_run ON event_logs (run_id, id);
      CREATE TABLE asset_index (
        asset_key TEXT NOT NULL,
        partition TEXT NOT NULL,
        last_materialization_id INTEGER,
        last_observation_id INTEGER,
        PRIMARY KEY (asset_key, partition)
      ) WITHOUT ROWID;
      CREATE TABLE heartbeats (run_id TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE dynamic_partitions (
        name TEXT NOT NULL,
        partition_key TEXT NOT NULL,
        UNIQUE (name, partition_key)
      );
      CREATE TABLE kv_state (
        namespace TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (namespace, key)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: "asset event lookups by key, and asset wipes that hide older history",
    sql: `
      CREATE INDEX event_logs_by_asset ON event_logs (asset_key, id) WHERE asset_key IS NOT NULL;
      CREATE TABLE asset_wipes (asset_key TEXT PRIMARY KEY, wiped_through_id INTEGER NOT NULL) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    description: "automation: run keys, the run queue, ticks, schedule/sensor state, backfills, the daemon lock and heartbeats",
    sql: `
      CREATE INDEX runs_by_status ON runs (status, created_at);
      CREATE TABLE run_keys (
        instigator TEXT NOT NULL,
        run_key TEXT NOT NULL,
        run_id TEXT NOT NULL,
        PRIMARY KEY (instigator, run_key)
      ) WITHOUT ROWID;
      CREATE INDEX event_logs_by_type ON event_logs (type, id);
      CREATE TABLE ticks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        instigator TEXT NOT NULL,
        timestamp INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX ticks_by_instigator ON ticks (instigator, timestamp);
      CREATE INDEX ticks_by_timestamp ON ticks (timestamp);
      CREATE TABLE instigators (name TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE backfills (
        backfill_id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE TABLE daemon_lock (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        daemon_id TEXT NOT NULL,
        heartbeat_at INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE TABLE daemon_heartbeats (loop TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    description: "failed-partition index (latest failed attempt per asset partition) and the latest evaluation per asset check",
    sql: `
      CREATE TABLE partition_failures (
        asset_key TEXT NOT NULL,
        partition TEXT NOT NULL,
        event_id INTEGER NOT NULL,
        run_id TEXT NOT NULL,
        timestamp INTEGER NOT NULL,
        PRIMARY KEY (asset_key, partition)
      ) WITHOUT ROWID;
      CREATE INDEX partition_failures_by_run ON partition_failures (run_id);
      CREATE TABLE asset_check_index (
        asset_key TEXT NOT NULL,
        check_name TEXT NOT NULL,
        event_id INTEGER NOT NULL,
        run_id TEXT NOT NULL,
        timestamp INTEGER NOT NULL,
        passed INTEGER NOT NULL,
        severity TEXT NOT NULL,
        PRIMARY KEY (asset_key, check_name)
      ) WITHOUT ROWID;
      INSERT INTO asset_check_index (asset_key, check_name, event_id, run_id, timestamp, passed, severity)
        SELECT e.asset_key, json_extract(e.body, '$.checkName'), e.id, e.run_id, e.timestamp,
          json_extract(e.body, '$.passed'), json_extract(e.body, '$.severity')
        FROM event_logs e JOIN (
          SELECT max(id) AS id FROM event_logs l
          WHERE type = 'ASSET_CHECK_EVALUATION' AND asset_key IS NOT NULL
            AND id > (SELECT coalesce(max(wiped_through_id), 0) FROM asset_wipes w WHERE w.asset_key = l.asset_key)
          GROUP BY asset_key, json_extract(body, '$.checkName')
        ) latest ON latest.id = e.id;
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export function schemaVersion(db: Database.Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

/**
 * Brings the database up to the last of `migrations`, each step in its own IMMEDIATE transaction so two
 * processes opening the same instance do not both apply it. Refuses a database from a newer orch.
 */
export function migrate(db: Database.Database, path: string, migrations: readonly SchemaMigration[] = MIGRATIONS): number {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new OrchError(
      ErrorCode.STORAGE_ERROR,
      `The instance database ${path} has schema version ${current}, but this @orch/sqlite supports up to ${latest}. Upgrade @orch/sqlite.`,
      { pkg: "sqlite", details: { path, schemaVersion: current, supported: latest } },
    );
  }
  for (const migration of migrations) {
    const apply = db.transaction(() => {
      if (schemaVersion(db) >= migration.version) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    });
    try {
      apply.immediate();
    } catch (error) {
      throw new OrchError(
        ErrorCode.STORAGE_ERROR,
        `Migrating ${path} to schema version ${migration.version} (${migration.description}) failed: ${(error as Error).message}`,
        { pkg: "sqlite", cause: error },
      );
    }
  }
  return schemaVersion(db);
}
