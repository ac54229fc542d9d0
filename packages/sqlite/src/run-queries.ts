import type { OrchEvent, RunFilter, RunRecord, RunStatus, RunUpdate } from "@orch/core";
import { DEFAULT_RUN_LIMIT, ErrorCode, OrchError } from "@orch/core";
import type { Connection } from "./connection.ts";
import { decodeRun, encodeRun, type RunRow } from "@orch/core";

export function insertRun(conn: Connection, run: RunRecord): void {
  const row = encodeRun(run);
  conn.db.transaction(() => {
    const inserted = conn
      .stmt(
        `INSERT INTO runs (run_id, status, created_at, started_at, ended_at, status_reason, body)
         VALUES (@run_id, @status, @created_at, @started_at, @ended_at, @status_reason, @body)
         ON CONFLICT (run_id) DO NOTHING`,
      )
      .run(row);
    if (inserted.changes === 0) {
      throw new OrchError(ErrorCode.STORAGE_ERROR, `Run "${run.runId}" already exists; run ids must be unique.`, { pkg: "sqlite" });
    }
    const tag = conn.stmt("INSERT INTO run_tags (run_id, key, value) VALUES (?, ?, ?)");
    for (const [key, value] of Object.entries(run.tags)) tag.run(run.runId, key, value);
  }).immediate();
}

/** The SET clause of a run update (unset fields keep their value), with its parameters from `runUpdateParams`. */
export const RUN_UPDATE_SET = `status = coalesce(@status, status), started_at = coalesce(@startedAt, started_at),
  ended_at = coalesce(@endedAt, ended_at), status_reason = coalesce(@statusReason, status_reason),
  body = CASE WHEN @worker IS NULL THEN body ELSE json_set(body, '$.worker', json(@worker)) END`;

export function runUpdateParams(runId: string, update: RunUpdate): Record<string, string | number | null> {
  return {
    runId,
    status: update.status ?? null,
    startedAt: update.startedAt ?? null,
    endedAt: update.endedAt ?? null,
    statusReason: update.statusReason ?? null,
    worker: update.worker !== undefined ? JSON.stringify(update.worker) : null,
  };
}

export function updateRun(conn: Connection, runId: string, update: RunUpdate): void {
  const result = conn.stmt(`UPDATE runs SET ${RUN_UPDATE_SET} WHERE run_id = @runId`).run(runUpdateParams(runId, update));
  if (result.changes === 0) {
    throw new OrchError(ErrorCode.UNKNOWN_RUN, `Cannot update run "${runId}": no such run.`, { pkg: "sqlite" });
  }
}

/**
 * Appends a run's events and updates it in one IMMEDIATE transaction, only if its status is one of `from`: no other
 * process writes between the check and the update. `writeEvents` is the connection's event writer (the fence and
 * the asset index). Returns whether it closed the run.
 */
export function closeRun(
  conn: Connection,
  writeEvents: (batches: readonly (readonly OrchEvent[])[]) => number,
  runId: string,
  from: readonly RunStatus[],
  events: readonly OrchEvent[],
  update: RunUpdate,
): boolean {
  return conn.db
    .transaction(() => {
      const row = conn.stmt("SELECT status FROM runs WHERE run_id = ?").get(runId) as { status: RunStatus } | undefined;
      if (row === undefined || !from.includes(row.status)) return false;
      writeEvents([events]);
      updateRun(conn, runId, update);
      return true;
    })
    .immediate();
}

export function getRun(conn: Connection, runId: string): RunRecord | undefined {
  const row = conn.stmt("SELECT * FROM runs WHERE run_id = ?").get(runId) as RunRow | undefined;
  return row === undefined ? undefined : decodeRun(row);
}

/** Builds the query for a filter; its text depends only on which filters (and how many tags) are present. */
export function listRuns(conn: Connection, filter: RunFilter): RunRecord[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.statuses !== undefined) {
    where.push("status IN (SELECT value FROM json_each(?))");
    params.push(JSON.stringify(filter.statuses));
  }
  if (filter.runIds !== undefined) {
    where.push("run_id IN (SELECT value FROM json_each(?))");
    params.push(JSON.stringify(filter.runIds));
  }
  if (filter.createdBefore !== undefined) {
    where.push("created_at < ?");
    params.push(filter.createdBefore);
  }
  for (const [key, value] of Object.entries(filter.tags ?? {})) {
    where.push("EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = runs.run_id AND t.key = ? AND t.value = ?)");
    params.push(key, value);
  }
  const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
    ORDER BY created_at DESC, rowid DESC LIMIT ?`;
  params.push(filter.limit ?? DEFAULT_RUN_LIMIT);
  return (conn.stmt(sql).all(...params) as RunRow[]).map(decodeRun);
}
