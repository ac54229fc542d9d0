import type { Connection } from "./connection.ts";
import { reindexAssetPartition } from "./asset-queries.ts";
import { reindexCheck } from "./partition-queries.ts";

/**
 * Deletes runs with their events, tags, heartbeats and partition failures in one transaction, then points the asset
 * and check indexes of every asset those runs touched back at the latest remaining event. Returns how many run records went.
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
    const checks = conn
      .stmt(
        `SELECT DISTINCT asset_key, json_extract(body, '$.checkName') AS check_name FROM event_logs
         WHERE run_id IN (SELECT value FROM json_each(?)) AND type = 'ASSET_CHECK_EVALUATION'`,
      )
      .all(ids) as { asset_key: string; check_name: string }[];
    conn.stmt("DELETE FROM partition_failures WHERE run_id IN (SELECT value FROM json_each(?))").run(ids);
    conn.stmt("DELETE FROM event_logs WHERE run_id IN (SELECT value FROM json_each(?))").run(ids);
    conn.stmt("DELETE FROM run_tags WHERE run_id IN (SELECT value FROM json_each(?))").run(ids);
    conn.stmt("DELETE FROM heartbeats WHERE run_id IN (SELECT value FROM json_each(?))").run(ids);
    const removed = conn.stmt("DELETE FROM runs WHERE run_id IN (SELECT value FROM json_each(?))").run(ids).changes;
    for (const { asset_key, partition } of touched) reindexAssetPartition(conn, asset_key, partition);
    for (const { asset_key, check_name } of checks) reindexCheck(conn, asset_key, check_name);
    return removed;
  }).immediate();
}
