import type { FailedPartition, LatestCheckResult, PartitionStatusCounts, Severity } from "@orch/core";
import type { Connection } from "./connection.ts";

/** A failure counts while it is newer than the partition's latest materialization. */
const STILL_FAILED = `(SELECT f.* FROM partition_failures f LEFT JOIN asset_index i ON i.asset_key = f.asset_key AND i.partition = f.partition
  WHERE (i.last_materialization_id IS NULL OR f.event_id > i.last_materialization_id) AND (? IS NULL OR f.asset_key IN (SELECT value FROM json_each(?))))`;

const keysParam = (assetKeys: readonly string[] | undefined) => {
  const json = assetKeys === undefined ? null : JSON.stringify(assetKeys);
  return [json, json];
};

export function getFailedPartitions(conn: Connection, assetKeys: readonly string[] | undefined): FailedPartition[] {
  const rows = conn
    .stmt(`SELECT asset_key, partition, run_id, timestamp FROM ${STILL_FAILED} ORDER BY asset_key, partition`)
    .all(...keysParam(assetKeys)) as { asset_key: string; partition: string; run_id: string; timestamp: number }[];
  return rows.map((r) => ({ assetKey: r.asset_key, partition: r.partition, runId: r.run_id, timestamp: r.timestamp }));
}

/** Two grouped counts, never the keys: failed partitions, and materialized partitions whose latest attempt did not fail. */
export function getPartitionStatusCounts(conn: Connection, assetKeys: readonly string[] | undefined): PartitionStatusCounts[] {
  const sql = `SELECT asset_key AS assetKey, sum(materialized) AS materialized, sum(failed) AS failed FROM (
      SELECT asset_key, 0 AS materialized, count(*) AS failed FROM ${STILL_FAILED} GROUP BY asset_key
      UNION ALL
      SELECT i.asset_key, count(*), 0 FROM asset_index i
      WHERE i.partition <> '' AND i.last_materialization_id IS NOT NULL AND (? IS NULL OR i.asset_key IN (SELECT value FROM json_each(?)))
        AND NOT EXISTS (SELECT 1 FROM partition_failures f WHERE f.asset_key = i.asset_key AND f.partition = i.partition AND f.event_id > i.last_materialization_id)
      GROUP BY i.asset_key
    ) GROUP BY asset_key ORDER BY asset_key`;
  return conn.stmt(sql).all(...keysParam(assetKeys), ...keysParam(assetKeys)) as PartitionStatusCounts[];
}

export function getLatestCheckResults(conn: Connection, assetKeys: readonly string[] | undefined): LatestCheckResult[] {
  const rows = conn
    .stmt(
      `SELECT asset_key, check_name, passed, severity, run_id, event_id, timestamp FROM asset_check_index
       WHERE ? IS NULL OR asset_key IN (SELECT value FROM json_each(?)) ORDER BY asset_key, check_name`,
    )
    .all(...keysParam(assetKeys)) as { asset_key: string; check_name: string; passed: number; severity: Severity; run_id: string; event_id: number; timestamp: number }[];
  return rows.map((r) => ({ assetKey: r.asset_key, checkName: r.check_name, passed: r.passed === 1, severity: r.severity, runId: r.run_id, eventId: r.event_id, timestamp: r.timestamp }));
}

/** Points a check's index row back at its latest remaining evaluation (after the one it pointed at was deleted). */
export function reindexCheck(conn: Connection, assetKey: string, checkName: string): void {
  conn.stmt("DELETE FROM asset_check_index WHERE asset_key = ? AND check_name = ?").run(assetKey, checkName);
  conn
    .stmt(
      `INSERT INTO asset_check_index (asset_key, check_name, event_id, run_id, timestamp, passed, severity)
       SELECT asset_key, ?, id, run_id, timestamp, json_extract(body, '$.passed'), json_extract(body, '$.severity') FROM event_logs
       WHERE id = (SELECT max(id) FROM event_logs WHERE asset_key = ? AND type = 'ASSET_CHECK_EVALUATION' AND json_extract(body, '$.checkName') = ?
         AND id > (SELECT coalesce(max(wiped_through_id), 0) FROM asset_wipes WHERE asset_key = ?))`,
    )
    .run(checkName, assetKey, checkName, assetKey);
}
