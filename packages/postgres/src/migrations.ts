import type { Pool } from "pg";
import { ErrorCode, OrchError, type SchemaMigration } from "@orch/core";

/**
 * The schema, as ordered steps. Never edit a step that has shipped: add a new one. `orch_migrations` records
 * which steps a database has. Unpartitioned asset rows use the partition `''` (core refuses empty partition keys).
 * Times are ms since the epoch in BIGINT; record bodies are JSON text, as in @orch/sqlite.
 */
export const MIGRATIONS: readonly SchemaMigration[] = [
  {
    version: 1,
    description: "runs, event log, asset index, heartbeats, dynamic partitions, key/value state, automation tables",
    sql: `
      CREATE TABLE runs (
        seq BIGSERIAL UNIQUE,
        run_id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        started_at BIGINT,
        ended_at BIGINT,
        status_reason TEXT,
        body TEXT NOT NULL
      );
      CREATE INDEX runs_by_created_at ON runs (created_at, seq);
      CREATE INDEX runs_by_status ON runs (status, created_at, seq);
      CREATE TABLE run_tags (
        run_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      );
      CREATE INDEX run_tags_by_key_value ON run_tags (key, value);
      CREATE TABLE event_logs (
        id BIGSERIAL PRIMARY KEY,
        run_id TEXT NOT NULL,
        type TEXT NOT NULL,
        step_key TEXT,
        asset_key TEXT,
        partition TEXT,
        timestamp BIGINT NOT NULL,
        body TEXT
      );
      CREATE INDEX event_logs_by_run ON event_logs (run_id, id);
      CREATE INDEX event_logs_by_asset ON event_logs (asset_key, id) WHERE asset_key IS NOT NULL;
      CREATE INDEX event_logs_by_type ON event_logs (type, id);
      CREATE TABLE asset_index (
        asset_key TEXT NOT NULL,
        partition TEXT NOT NULL,
        last_materialization_id BIGINT,
        last_observation_id BIGINT,
        PRIMARY KEY (asset_key, partition)
      );
      CREATE TABLE asset_wipes (asset_key TEXT PRIMARY KEY, wiped_through_id BIGINT NOT NULL);
      CREATE TABLE heartbeats (run_id TEXT PRIMARY KEY, at BIGINT NOT NULL);
      CREATE TABLE dynamic_partitions (
        seq BIGSERIAL,
        name TEXT NOT NULL,
        partition_key TEXT NOT NULL,
        UNIQUE (name, partition_key)
      );
      CREATE TABLE kv_state (namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (namespace, key));
      CREATE TABLE run_keys (instigator TEXT NOT NULL, run_key TEXT NOT NULL, run_id TEXT NOT NULL, PRIMARY KEY (instigator, run_key));
      CREATE TABLE ticks (id BIGSERIAL PRIMARY KEY, instigator TEXT NOT NULL, timestamp BIGINT NOT NULL, body TEXT NOT NULL);
      CREATE INDEX ticks_by_instigator ON ticks (instigator, timestamp);
      CREATE INDEX ticks_by_timestamp ON ticks (timestamp);
      CREATE TABLE instigators (name TEXT PRIMARY KEY, body TEXT NOT NULL);
      CREATE TABLE backfills (seq BIGSERIAL, backfill_id TEXT PRIMARY KEY, status TEXT NOT NULL, created_at BIGINT NOT NULL, body TEXT NOT NULL);
      CREATE TABLE daemon_lock (id INTEGER PRIMARY KEY CHECK (id = 1), daemon_id TEXT NOT NULL, heartbeat_at BIGINT NOT NULL, body TEXT NOT NULL);
      CREATE TABLE daemon_heartbeats (loop TEXT PRIMARY KEY, body TEXT NOT NULL);

      -- One batch of events in one round trip: the fence, the insert and the asset index in one call. Appends
      -- take a transaction-scoped advisory lock so ids commit in id order: a reader tailing by id never skips an
      -- id that commits later. Returns the groups (one per appendEvents call) refused by the fence.
      -- p_wait_flush false: the commit returns before the WAL reaches disk (the "process" durability).
      CREATE FUNCTION append_events(
        p_group INT[], p_run_id TEXT[], p_type TEXT[], p_step_key TEXT[], p_asset_key TEXT[], p_partition TEXT[],
        p_timestamp BIGINT[], p_body TEXT[], p_wait_flush BOOLEAN
      ) RETURNS TABLE (refused_group INT, refused_run TEXT, refused_status TEXT) LANGUAGE plpgsql AS $fn$
      DECLARE
        refused INT[];
        last_id BIGINT;
      BEGIN
        IF NOT p_wait_flush THEN PERFORM set_config('synchronous_commit', 'off', true); END IF;
        PERFORM pg_advisory_xact_lock(hashtext(current_schema() || '.event_logs'));
        RETURN QUERY
          SELECT DISTINCT ON (e.g) e.g, e.run_id, r.status
          FROM unnest(p_group, p_run_id) AS e(g, run_id) JOIN runs r ON r.run_id = e.run_id
          WHERE r.status IN ('SUCCESS', 'FAILURE', 'CANCELED') ORDER BY e.g;
        SELECT coalesce(array_agg(DISTINCT e.g), '{}') INTO refused
          FROM unnest(p_group, p_run_id) AS e(g, run_id) JOIN runs r ON r.run_id = e.run_id
          WHERE r.status IN ('SUCCESS', 'FAILURE', 'CANCELED');
        WITH inserted AS (
          INSERT INTO event_logs (run_id, type, step_key, asset_key, partition, timestamp, body)
          SELECT e.run_id, e.type, e.step_key, e.asset_key, e.partition, e.ts, e.body
          FROM unnest(p_group, p_run_id, p_type, p_step_key, p_asset_key, p_partition, p_timestamp, p_body)
            WITH ORDINALITY AS e(g, run_id, type, step_key, asset_key, partition, ts, body, ord)
          WHERE NOT (e.g = ANY (refused)) ORDER BY e.ord
          RETURNING id, type, asset_key, partition
        )
        INSERT INTO asset_index (asset_key, partition, last_materialization_id, last_observation_id)
        SELECT i.asset_key, coalesce(i.partition, ''),
          max(i.id) FILTER (WHERE i.type = 'ASSET_MATERIALIZATION'), max(i.id) FILTER (WHERE i.type = 'ASSET_OBSERVATION')
        FROM inserted i WHERE i.asset_key IS NOT NULL AND i.type IN ('ASSET_MATERIALIZATION', 'ASSET_OBSERVATION')
        GROUP BY i.asset_key, coalesce(i.partition, '')
        ON CONFLICT (asset_key, partition) DO UPDATE SET
          last_materialization_id = coalesce(excluded.last_materialization_id, asset_index.last_materialization_id),
          last_observation_id = coalesce(excluded.last_observation_id, asset_index.last_observation_id);
        SELECT max(id) INTO last_id FROM event_logs;
        PERFORM pg_notify(current_schema() || '_events', coalesce(last_id, 0)::text);
      END
      $fn$;
    `,
  },
  {
    version: 2,
    description: "failed-partition index (latest failed attempt per asset partition) and the latest evaluation per asset check",
    sql: `
      CREATE TABLE partition_failures (
        asset_key TEXT NOT NULL,
        partition TEXT NOT NULL,
        event_id BIGINT NOT NULL,
        run_id TEXT NOT NULL,
        timestamp BIGINT NOT NULL,
        PRIMARY KEY (asset_key, partition)
      );
      CREATE INDEX partition_failures_by_run ON partition_failures (run_id);
      CREATE TABLE asset_check_index (
        asset_key TEXT NOT NULL,
        check_name TEXT NOT NULL,
        event_id BIGINT NOT NULL,
        run_id TEXT NOT NULL,
        timestamp BIGINT NOT NULL,
        passed BOOLEAN NOT NULL,
        severity TEXT NOT NULL,
        PRIMARY KEY (asset_key, check_name)
      );
      -- The latest evaluation of each check of rows given as event_logs rows (the backfill, the trigger, reindexing).
      CREATE FUNCTION latest_check_rows(rows event_logs[]) RETURNS SETOF asset_check_index LANGUAGE sql STABLE AS $fn$
        SELECT DISTINCT ON (r.asset_key, r.body::jsonb ->> 'checkName')
          r.asset_key, r.body::jsonb ->> 'checkName', r.id, r.run_id, r.timestamp, (r.body::jsonb ->> 'passed')::boolean, r.body::jsonb ->> 'severity'
        FROM unnest(rows) AS r
        WHERE r.type = 'ASSET_CHECK_EVALUATION' AND r.asset_key IS NOT NULL
        ORDER BY r.asset_key, r.body::jsonb ->> 'checkName', r.id DESC
      $fn$;
      INSERT INTO asset_check_index
        SELECT * FROM latest_check_rows(ARRAY(
          SELECT e FROM event_logs e WHERE e.type = 'ASSET_CHECK_EVALUATION'
            AND e.id > coalesce((SELECT wiped_through_id FROM asset_wipes w WHERE w.asset_key = e.asset_key), 0)));

      -- Kept in the write that appends the events (append_events() inserts each batch in one statement): a
      -- STEP_FAILURE naming failedPartitions records each asset partition's latest failure, a check evaluation
      -- its check's latest evaluation.
      CREATE FUNCTION index_checks_and_failures() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        -- Most batches hold neither kind: one scan of the batch then, not the two indexing statements.
        IF NOT EXISTS (SELECT 1 FROM inserted WHERE type IN ('ASSET_CHECK_EVALUATION', 'STEP_FAILURE')) THEN
          RETURN NULL;
        END IF;
        INSERT INTO asset_check_index
        SELECT * FROM latest_check_rows(ARRAY(SELECT ROW(i.*)::event_logs FROM inserted i WHERE i.type = 'ASSET_CHECK_EVALUATION'))
        ON CONFLICT (asset_key, check_name) DO UPDATE SET event_id = excluded.event_id, run_id = excluded.run_id,
          timestamp = excluded.timestamp, passed = excluded.passed, severity = excluded.severity;
        INSERT INTO partition_failures (asset_key, partition, event_id, run_id, timestamp)
        SELECT DISTINCT ON (a.key, p.key) a.key, p.key, i.id, i.run_id, i.timestamp
        FROM inserted i
          CROSS JOIN LATERAL jsonb_array_elements_text(i.body::jsonb -> 'failedPartitions' -> 'assetKeys') AS a(key)
          CROSS JOIN LATERAL jsonb_array_elements_text(i.body::jsonb -> 'failedPartitions' -> 'partitions') AS p(key)
        WHERE i.type = 'STEP_FAILURE'
        ORDER BY a.key, p.key, i.id DESC
        ON CONFLICT (asset_key, partition) DO UPDATE SET event_id = excluded.event_id, run_id = excluded.run_id, timestamp = excluded.timestamp;
        RETURN NULL;
      END
      $fn$;
      CREATE TRIGGER event_logs_index_checks_and_failures AFTER INSERT ON event_logs
        REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION index_checks_and_failures();
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Postgres identifiers this package creates: a schema name must be a plain lower-case identifier. */
export function assertSchemaName(schema: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new OrchError(ErrorCode.STORAGE_ERROR, `The PostgreSQL schema name "${schema}" must match [a-z_][a-z0-9_]* (at most 63 characters).`, { pkg: "postgres" });
  }
}

/**
 * Brings `schema` up to the last of `migrations` under a session advisory lock, so processes starting together
 * migrate once: the first applies the steps, the others wait for the lock, then find nothing left to do. Each
 * step commits in its own transaction with its row in `orch_migrations`. Returns the versions this call applied.
 */
export async function migrate(pool: Pool, schema: string, migrations: readonly SchemaMigration[] = MIGRATIONS): Promise<number[]> {
  assertSchemaName(schema);
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query("SELECT pg_advisory_lock(hashtext($1))", [`orch.migrate.${schema}`]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${schema}.orch_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
      );
      const { rows } = await client.query<{ version: number }>(`SELECT coalesce(max(version), 0) AS version FROM ${schema}.orch_migrations`);
      const current = rows[0]!.version;
      const latest = migrations[migrations.length - 1]?.version ?? 0;
      if (current > latest) {
        throw new OrchError(
          ErrorCode.STORAGE_ERROR,
          `The PostgreSQL schema "${schema}" has version ${current}, but this @orch/postgres supports up to ${latest}. Upgrade @orch/postgres.`,
          { pkg: "postgres", details: { schema, schemaVersion: current, supported: latest } },
        );
      }
      for (const migration of migrations) {
        if (migration.version <= current) continue;
        try {
          await client.query("BEGIN");
          await client.query(`SET LOCAL search_path TO ${schema}`);
          await client.query(migration.sql);
          await client.query(`INSERT INTO ${schema}.orch_migrations (version, description, applied_at) VALUES ($1, $2, $3)`, [
            migration.version,
            migration.description,
            Date.now(),
          ]);
          await client.query("COMMIT");
          applied.push(migration.version);
        } catch (error) {
          await client.query("ROLLBACK");
          throw new OrchError(
            ErrorCode.STORAGE_ERROR,
            `Migrating PostgreSQL schema "${schema}" to version ${migration.version} (${migration.description}) failed: ${(error as Error).message}`,
            { pkg: "postgres", cause: error },
          );
        }
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext($1))", [`orch.migrate.${schema}`]);
    }
  } finally {
    client.release();
  }
  return applied;
}
