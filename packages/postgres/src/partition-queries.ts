import type { FailedPartition, LatestCheckResult, PartitionStatusCounts, Severity } from "@orch/core";
import type { Queryable } from "./db.ts";

/** A failure counts while it is newer than the partition's latest materialization. */
const STILL_FAILED = `(SELECT f.* FROM partition_failures f LEFT JOIN asset_index i ON i.asset_key = f.asset_key AND i.partition = f.partition
  WHERE (i.last_materialization_id IS NULL OR f.event_id > i.last_materialization_id) AND ($1::text[] IS NULL OR f.asset_key = ANY ($1::text[])))`;

export async function getFailedPartitions(db: Queryable, assetKeys: readonly string[] | undefined): Promise<FailedPartition[]> {
  // COLLATE "C": string (code point) order whatever the database's collation, as in the other storages.
  const rows = await db.query<{ asset_key: string; partition: string; run_id: string; timestamp: string | number }>(
    `SELECT asset_key, partition, run_id, timestamp FROM ${STILL_FAILED} f ORDER BY asset_key COLLATE "C", partition COLLATE "C"`,
    [assetKeys ?? null],
  );
  return rows.map((r) => ({ assetKey: r.asset_key, partition: r.partition, runId: r.run_id, timestamp: Number(r.timestamp) }));
}

/** Two grouped counts, never the keys: failed partitions, and materialized partitions whose latest attempt did not fail. */
export async function getPartitionStatusCounts(db: Queryable, assetKeys: readonly string[] | undefined): Promise<PartitionStatusCounts[]> {
  const rows = await db.query<{ asset_key: string; materialized: string; failed: string }>(
    `SELECT asset_key, sum(materialized) AS materialized, sum(failed) AS failed FROM (
       SELECT asset_key, 0 AS materialized, count(*) AS failed FROM ${STILL_FAILED} f GROUP BY asset_key
       UNION ALL
       SELECT i.asset_key, count(*), 0 FROM asset_index i
       WHERE i.partition <> '' AND i.last_materialization_id IS NOT NULL AND ($1::text[] IS NULL OR i.asset_key = ANY ($1::text[]))
         AND NOT EXISTS (SELECT 1 FROM partition_failures f WHERE f.asset_key = i.asset_key AND f.partition = i.partition AND f.event_id > i.last_materialization_id)
       GROUP BY i.asset_key
     ) c GROUP BY asset_key ORDER BY asset_key COLLATE "C"`,
    [assetKeys ?? null],
  );
  return rows.map((r) => ({ assetKey: r.asset_key, materialized: Number(r.materialized), failed: Number(r.failed) }));
}

export async function getLatestCheckResults(db: Queryable, assetKeys: readonly string[] | undefined): Promise<LatestCheckResult[]> {
  const rows = await db.query<{ asset_key: string; check_name: string; passed: boolean; severity: Severity; run_id: string; event_id: number; timestamp: number }>(
    `SELECT asset_key, check_name, passed, severity, run_id, event_id, timestamp FROM asset_check_index
     WHERE $1::text[] IS NULL OR asset_key = ANY ($1::text[]) ORDER BY asset_key COLLATE "C", check_name COLLATE "C"`,
    [assetKeys ?? null],
  );
  return rows.map((r) => ({ assetKey: r.asset_key, checkName: r.check_name, passed: r.passed, severity: r.severity, runId: r.run_id, eventId: Number(r.event_id), timestamp: Number(r.timestamp) }));
}
