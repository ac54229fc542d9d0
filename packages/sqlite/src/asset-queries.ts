import type { AssetEventQuery, AssetIndexEntry, OrchEventType, StoredEvent } from "@orch/core";
import type { Connection } from "./connection.ts";
import { assetIndexEntries, assetIndexEventIds, decodeEvent, type AssetIndexRow, type EventRow } from "@orch/core";

/** Asset history starts after the asset's last wipe. */
const AFTER_WIPE = "(SELECT coalesce(max(wiped_through_id), 0) FROM asset_wipes WHERE asset_key = ?)";

export function getAssetEvents(
  conn: Connection,
  assetKey: string,
  types: readonly OrchEventType[],
  query: AssetEventQuery,
): StoredEvent[] {
  const partitioned = query.partition !== undefined;
  const sql = `SELECT * FROM event_logs WHERE asset_key = ? AND id > ${AFTER_WIPE}
    AND type IN (SELECT value FROM json_each(?)) ${partitioned ? "AND partition = ?" : ""}
    ORDER BY id ${query.descending === false ? "ASC" : "DESC"} LIMIT ?`;
  const params: unknown[] = [assetKey, assetKey, JSON.stringify(types)];
  if (partitioned) params.push(query.partition);
  params.push(query.limit ?? -1);
  return (conn.stmt(sql).all(...params) as EventRow[]).map(decodeEvent);
}

export function getAssetIndex(conn: Connection, assetKeys: readonly string[] | undefined, byPartition: boolean): AssetIndexEntry[] {
  const filter = assetKeys === undefined ? "" : "WHERE asset_key IN (SELECT value FROM json_each(?))";
  // Ids grow with the log, so the latest event over all partitions is the largest id.
  const sql = byPartition
    ? `SELECT asset_key, partition, last_materialization_id AS materialization, last_observation_id AS observation
       FROM asset_index ${filter} ORDER BY asset_key, partition`
    : `SELECT asset_key, '' AS partition, max(last_materialization_id) AS materialization,
         max(last_observation_id) AS observation FROM asset_index ${filter} GROUP BY asset_key ORDER BY asset_key`;
  const rows = conn.stmt(sql).all(...(assetKeys === undefined ? [] : [JSON.stringify(assetKeys)])) as AssetIndexRow[];
  const ids = assetIndexEventIds(rows);
  const found = ids.length === 0 ? [] : (conn.stmt("SELECT * FROM event_logs WHERE id IN (SELECT value FROM json_each(?))").all(JSON.stringify(ids)) as EventRow[]);
  return assetIndexEntries(rows, found);
}

export function wipeAsset(conn: Connection, assetKey: string): void {
  conn.db.transaction(() => {
    conn.stmt("DELETE FROM asset_index WHERE asset_key = ?").run(assetKey);
    conn.stmt("DELETE FROM partition_failures WHERE asset_key = ?").run(assetKey);
    conn.stmt("DELETE FROM asset_check_index WHERE asset_key = ?").run(assetKey);
    conn
      .stmt(
        `INSERT INTO asset_wipes (asset_key, wiped_through_id)
         VALUES (?, (SELECT coalesce(max(id), 0) FROM event_logs))
         ON CONFLICT (asset_key) DO UPDATE SET wiped_through_id = excluded.wiped_through_id`,
      )
      .run(assetKey);
  }).immediate();
}

/** Recomputes one index row from the log (after the events it pointed at were deleted). */
export function reindexAssetPartition(conn: Connection, assetKey: string, partition: string): void {
  const latest = (type: string) =>
    (
      conn
        .stmt(
          `SELECT max(id) AS id FROM event_logs WHERE asset_key = ? AND coalesce(partition, '') = ? AND type = ?
           AND id > ${AFTER_WIPE}`,
        )
        .get(assetKey, partition, type, assetKey) as { id: number | null }
    ).id;
  const materialization = latest("ASSET_MATERIALIZATION");
  const observation = latest("ASSET_OBSERVATION");
  if (materialization === null && observation === null) {
    conn.stmt("DELETE FROM asset_index WHERE asset_key = ? AND partition = ?").run(assetKey, partition);
    return;
  }
  conn
    .stmt(
      `INSERT INTO asset_index (asset_key, partition, last_materialization_id, last_observation_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (asset_key, partition) DO UPDATE SET
         last_materialization_id = excluded.last_materialization_id, last_observation_id = excluded.last_observation_id`,
    )
    .run(assetKey, partition, materialization, observation);
}
