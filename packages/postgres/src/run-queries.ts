import { assertRunTakesEvents, DEFAULT_RUN_LIMIT, ErrorCode, OrchError, type OrchEvent, type RunFilter, type RunRecord, type RunStatus, type RunUpdate } from "@orch/core";
import { decodeRun, type RunRow } from "@orch/core";
import { encodeRun, RUN_COLUMNS } from "./codecs.ts";
import type { Db, Queryable } from "./db.ts";
import { appendEventGroups } from "./event-writer.ts";

/** Inserts a run and its tags (one statement); a taken run id is an error. */
export async function insertRun(db: Queryable, run: RunRecord): Promise<void> {
  const tags = Object.entries(run.tags);
  const rows = await db.query(
    `WITH inserted AS (
       INSERT INTO runs (${RUN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (run_id) DO NOTHING RETURNING run_id
     ), tags AS (
       INSERT INTO run_tags (run_id, key, value) SELECT i.run_id, t.key, t.value FROM inserted i, unnest($8::text[], $9::text[]) AS t(key, value)
     )
     SELECT run_id FROM inserted`,
    [...encodeRun(run), tags.map(([k]) => k), tags.map(([, v]) => v)],
  );
  if (rows.length === 0) {
    throw new OrchError(ErrorCode.STORAGE_ERROR, `Run "${run.runId}" already exists; run ids must be unique.`, { pkg: "postgres" });
  }
}

const SET_UPDATE = `status = coalesce($2, status), started_at = coalesce($3, started_at),
  ended_at = coalesce($4, ended_at), status_reason = coalesce($5, status_reason),
  body = CASE WHEN $6::text IS NULL THEN body ELSE jsonb_set(body::jsonb, '{worker}', $6::jsonb)::text END`;

function updateParams(runId: string, update: RunUpdate): unknown[] {
  const worker = update.worker !== undefined ? JSON.stringify(update.worker) : null;
  return [runId, update.status ?? null, update.startedAt ?? null, update.endedAt ?? null, update.statusReason ?? null, worker];
}

export async function updateRun(db: Queryable, runId: string, update: RunUpdate): Promise<void> {
  const changed = await db.execute(`UPDATE runs SET ${SET_UPDATE} WHERE run_id = $1`, updateParams(runId, update));
  if (changed === 0) throw new OrchError(ErrorCode.UNKNOWN_RUN, `Cannot update run "${runId}": no such run.`, { pkg: "postgres" });
}

/** Compare-and-set on the status: one guarded UPDATE, so of two processes racing, exactly one changes the row. */
export async function transitionRun(db: Queryable, runId: string, from: readonly RunStatus[], update: RunUpdate): Promise<boolean> {
  return (await db.execute(`UPDATE runs SET ${SET_UPDATE} WHERE run_id = $1 AND status = ANY ($7::text[])`, [...updateParams(runId, update), from])) === 1;
}

/**
 * Appends a run's events and updates it in one transaction, only if its status is one of `from`. The run's row is
 * locked first (FOR UPDATE), so no other process changes its status between the check and the update. The
 * events wait for the WAL flush like every run write. Returns whether it closed the run.
 */
export async function closeRun(db: Db, runId: string, from: readonly RunStatus[], events: readonly OrchEvent[], update: RunUpdate): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ status: RunStatus }>("SELECT status FROM runs WHERE run_id = $1 FOR UPDATE", [runId]);
    if (row === undefined || !from.includes(row.status)) return false;
    const [refused] = await appendEventGroups(tx, [events], true);
    if (refused !== undefined) assertRunTakesEvents(refused.refused_run, refused.refused_status, "postgres");
    await tx.execute(`UPDATE runs SET ${SET_UPDATE} WHERE run_id = $1`, updateParams(runId, update));
    return true;
  });
}

export async function getRun(db: Queryable, runId: string): Promise<RunRecord | undefined> {
  const [row] = await db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = $1`, [runId]);
  return row === undefined ? undefined : decodeRun(row);
}

export async function listRuns(db: Queryable, filter: RunFilter): Promise<RunRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (filter.statuses !== undefined) where.push(`status = ANY (${param(filter.statuses)}::text[])`);
  if (filter.runIds !== undefined) where.push(`run_id = ANY (${param(filter.runIds)}::text[])`);
  if (filter.createdBefore !== undefined) where.push(`created_at < ${param(filter.createdBefore)}`);
  for (const [key, value] of Object.entries(filter.tags ?? {})) {
    where.push(`EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = runs.run_id AND t.key = ${param(key)} AND t.value = ${param(value)})`);
  }
  const sql = `SELECT ${RUN_COLUMNS} FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
    ORDER BY created_at DESC, seq DESC LIMIT ${param(filter.limit ?? DEFAULT_RUN_LIMIT)}`;
  return (await db.query<RunRow>(sql, params)).map(decodeRun);
}

export async function getQueuedRuns(db: Queryable, limit?: number): Promise<RunRecord[]> {
  const rows = await db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE status = 'QUEUED' ORDER BY created_at, seq LIMIT $1`, [limit ?? null]);
  return rows.map(decodeRun);
}

/**
 * Deletes runs with their events, tags and heartbeats in one transaction, then points the asset index of every
 * asset those runs touched back at the latest remaining event. Returns how many run records went.
 */
export async function deleteRuns(db: Db, runIds: readonly string[]): Promise<number> {
  if (runIds.length === 0) return 0;
  const ids = [...new Set(runIds)];
  return db.transaction(async (tx) => {
    const touched = await tx.query<{ asset_key: string; partition: string }>(
      `SELECT DISTINCT asset_key, coalesce(partition, '') AS partition FROM event_logs
       WHERE run_id = ANY ($1::text[]) AND type IN ('ASSET_MATERIALIZATION', 'ASSET_OBSERVATION')`,
      [ids],
    );
    const checks = await tx.query<{ asset_key: string; check_name: string }>(
      `SELECT DISTINCT asset_key, body::jsonb ->> 'checkName' AS check_name FROM event_logs
       WHERE run_id = ANY ($1::text[]) AND type = 'ASSET_CHECK_EVALUATION'`,
      [ids],
    );
    await tx.execute("DELETE FROM partition_failures WHERE run_id = ANY ($1::text[])", [ids]);
    await tx.execute("DELETE FROM event_logs WHERE run_id = ANY ($1::text[])", [ids]);
    await tx.execute("DELETE FROM run_tags WHERE run_id = ANY ($1::text[])", [ids]);
    await tx.execute("DELETE FROM heartbeats WHERE run_id = ANY ($1::text[])", [ids]);
    const removed = await tx.execute("DELETE FROM runs WHERE run_id = ANY ($1::text[])", [ids]);
    if (touched.length > 0) {
      // Recompute the touched index rows from what is left of the log (after the asset's last wipe).
      await tx.execute(
        `WITH touched AS (SELECT * FROM unnest($1::text[], $2::text[]) AS t(asset_key, partition)),
         latest AS (
           SELECT t.asset_key, t.partition,
             (SELECT max(id) FROM event_logs e WHERE e.asset_key = t.asset_key AND coalesce(e.partition, '') = t.partition
               AND e.type = 'ASSET_MATERIALIZATION' AND e.id > coalesce((SELECT wiped_through_id FROM asset_wipes w WHERE w.asset_key = t.asset_key), 0)) AS m,
             (SELECT max(id) FROM event_logs e WHERE e.asset_key = t.asset_key AND coalesce(e.partition, '') = t.partition
               AND e.type = 'ASSET_OBSERVATION' AND e.id > coalesce((SELECT wiped_through_id FROM asset_wipes w WHERE w.asset_key = t.asset_key), 0)) AS o
           FROM touched t
         ), gone AS (
           DELETE FROM asset_index i USING latest l
           WHERE i.asset_key = l.asset_key AND i.partition = l.partition AND l.m IS NULL AND l.o IS NULL
         )
         INSERT INTO asset_index (asset_key, partition, last_materialization_id, last_observation_id)
         SELECT asset_key, partition, m, o FROM latest WHERE m IS NOT NULL OR o IS NOT NULL
         ON CONFLICT (asset_key, partition) DO UPDATE SET
           last_materialization_id = excluded.last_materialization_id, last_observation_id = excluded.last_observation_id`,
        [touched.map((t) => t.asset_key), touched.map((t) => t.partition)],
      );
    }
    if (checks.length > 0) {
      // Each touched check points back at its latest remaining evaluation, or leaves the index.
      await tx.execute(
        `WITH touched AS (SELECT * FROM unnest($1::text[], $2::text[]) AS t(asset_key, check_name)),
         gone AS (DELETE FROM asset_check_index c USING touched t WHERE c.asset_key = t.asset_key AND c.check_name = t.check_name)
         INSERT INTO asset_check_index
         SELECT * FROM latest_check_rows(ARRAY(
           SELECT e FROM touched t JOIN event_logs e ON e.asset_key = t.asset_key AND e.type = 'ASSET_CHECK_EVALUATION'
             AND e.body::jsonb ->> 'checkName' = t.check_name
             AND e.id > coalesce((SELECT wiped_through_id FROM asset_wipes w WHERE w.asset_key = t.asset_key), 0)))
         ON CONFLICT (asset_key, check_name) DO UPDATE SET event_id = excluded.event_id, run_id = excluded.run_id,
           timestamp = excluded.timestamp, passed = excluded.passed, severity = excluded.severity`,
        [checks.map((c) => c.asset_key), checks.map((c) => c.check_name)],
      );
    }
    return removed;
  });
}
