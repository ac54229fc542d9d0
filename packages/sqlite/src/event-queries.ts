import { assertRunTakesEvents, type EventQuery, type OrchEvent, type RunStatus, type StoredEvent } from "@orch/core";
import type { Connection } from "./connection.ts";
import { decodeEvent, encodeEvent, type EventRow } from "@orch/core";

function indexUpsert(column: "last_materialization_id" | "last_observation_id"): string {
  return `INSERT INTO asset_index (asset_key, partition, ${column}) VALUES (?, ?, ?)
    ON CONFLICT (asset_key, partition) DO UPDATE SET ${column} = excluded.${column}`;
}
const UPSERT_MATERIALIZATION = indexUpsert("last_materialization_id");
const UPSERT_OBSERVATION = indexUpsert("last_observation_id");

/**
 * Returns the writer of queued batches: one transaction per call, the asset index updated in the same write.
 * The transaction function and statements are made once per connection (the hot path of every run).
 */
export function createEventWriter(conn: Connection): (batches: readonly (readonly OrchEvent[])[]) => number {
  const insert = conn.stmt(
    "INSERT INTO event_logs (run_id, type, step_key, asset_key, partition, timestamp, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const upsertMaterialization = conn.stmt(UPSERT_MATERIALIZATION);
  const upsertObservation = conn.stmt(UPSERT_OBSERVATION);
  const upsertCheck = conn.stmt(
    `INSERT INTO asset_check_index (asset_key, check_name, event_id, run_id, timestamp, passed, severity) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (asset_key, check_name) DO UPDATE SET event_id = excluded.event_id, run_id = excluded.run_id,
       timestamp = excluded.timestamp, passed = excluded.passed, severity = excluded.severity`,
  );
  const upsertFailure = conn.stmt(
    `INSERT INTO partition_failures (asset_key, partition, event_id, run_id, timestamp) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (asset_key, partition) DO UPDATE SET event_id = excluded.event_id, run_id = excluded.run_id, timestamp = excluded.timestamp`,
  );
  const runStatus = conn.stmt("SELECT status FROM runs WHERE run_id = ?");
  const write = conn.db.transaction((batches: readonly (readonly OrchEvent[])[]) => {
    let written = 0;
    for (const events of batches) {
      // The fence, inside the write transaction: a run another process finished takes no more events.
      for (const runId of new Set(events.map((e) => e.runId))) {
        assertRunTakesEvents(runId, (runStatus.get(runId) as { status: RunStatus } | undefined)?.status, "sqlite");
      }
      for (const event of events) {
        const row = encodeEvent(event);
        const id = insert.run(row.run_id, row.type, row.step_key, row.asset_key, row.partition, row.timestamp, row.body).lastInsertRowid;
        written++;
        if (event.type === "STEP_FAILURE" && event.failedPartitions) {
          for (const assetKey of event.failedPartitions.assetKeys) {
            for (const partition of event.failedPartitions.partitions) upsertFailure.run(assetKey, partition, id, event.runId, event.timestamp);
          }
        }
        if (row.asset_key === null) continue;
        if (event.type === "ASSET_MATERIALIZATION") upsertMaterialization.run(row.asset_key, row.partition ?? "", id);
        else if (event.type === "ASSET_OBSERVATION") upsertObservation.run(row.asset_key, row.partition ?? "", id);
        else if (event.type === "ASSET_CHECK_EVALUATION") {
          upsertCheck.run(row.asset_key, event.checkName, id, event.runId, event.timestamp, event.passed ? 1 : 0, event.severity);
        }
      }
    }
    return written;
  });
  // Begun as a writer: the fence reads the run's status before the inserts, and a transaction begun as a reader
  // gets SQLITE_BUSY at once (no busy timeout) when another process commits in between.
  return (batches) => write.immediate(batches);
}

export function getEvents(conn: Connection, runId: string, query: EventQuery): StoredEvent[] {
  const typed = query.types !== undefined;
  const sql = `SELECT * FROM event_logs WHERE run_id = ? AND id > ?
    ${typed ? "AND type IN (SELECT value FROM json_each(?))" : ""} ORDER BY id LIMIT ?`;
  const params: unknown[] = [runId, query.afterId ?? 0];
  if (typed) params.push(JSON.stringify(query.types));
  params.push(query.limit ?? -1);
  return (conn.stmt(sql).all(...params) as EventRow[]).map(decodeEvent);
}

/** Count of all event rows, for retention. */
export function countEvents(conn: Connection): number {
  return (conn.stmt("SELECT count(*) AS n FROM event_logs").get() as { n: number }).n;
}
