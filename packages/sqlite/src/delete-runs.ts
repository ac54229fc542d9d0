import type { Connection } from "./connection.ts";
import { reindexAssetPartition } from "./asset-queries.ts";

/**
 * Deletes runs with their events, tags and heartbeats in one transaction, then points the asset index of
 * every asset those runs touched back at the latest remaining event. Returns how many run records went.
 */
export function deleteRunsAndEvents(conn: Connection, runIds: readonly string[]): number {
  if (runIds.length === 0) return 0;
  const ids = JSON.stringify([...new Set(runIds)]);
  return conn.db.transaction(() => {
    const touched = conn
      .stmt(
        `SELECT DISTINCT asset_key, coalesce(partition, '') AS partition FROM event_logs
         WHERE run_id IN (SELECT value FROM json_each(?)) AND type IN ('ASSET_MATERIALIZATION', 'ASSET_OBSERVATION')`,
      )
      .all(ids) as { asset_key: string; partition: string }[];
    conn.stmt("DELETE FROM event_logs WHERE run_id IN (SELECT value FROM json_each(?))").run(ids);
    conn.stmt("DELETE FROM run_tags WHERE run_id IN (SELECT value FROM json_each(?))").run(ids);
    conn.stmt("DELETE FROM heartbeats WHERE run_id IN (SELECT value FROM json_each(?))").run(ids);
    const removed = conn.stmt("DELETE FROM runs WHERE run_id IN (SELECT value FROM json_each(?))").run(ids).changes;
    for (const { asset_key, partition } of touched) reindexAssetPartition(conn, asset_key, partition);
    return removed;
  })();
}
