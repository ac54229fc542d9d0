import type { AssetEventQuery, AssetIndexEntry, EventLogQuery, EventQuery, OrchEventType, StoredEvent } from "@orch/core";
import { assetIndexEntries, assetIndexEventIds, decodeEvent, type AssetIndexRow, type EventRow } from "@orch/core";
import type { Db, Queryable } from "./db.ts";

const EVENT_COLUMNS = "id, run_id, type, step_key, asset_key, partition, timestamp, body";
/** Asset history starts after the asset's last wipe. */
const AFTER_WIPE = (param: string) => `coalesce((SELECT wiped_through_id FROM asset_wipes WHERE asset_key = ${param}), 0)`;

export async function getEvents(db: Queryable, runId: string, query: EventQuery): Promise<StoredEvent[]> {
  const rows = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM event_logs WHERE run_id = $1 AND id > $2 AND ($3::text[] IS NULL OR type = ANY ($3::text[]))
     ORDER BY id LIMIT $4`,
    [runId, query.afterId ?? 0, query.types ?? null, query.limit ?? null],
  );
  return rows.map(decodeEvent);
}

export async function getEventsAfter(db: Queryable, query: EventLogQuery): Promise<StoredEvent[]> {
  const rows = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM event_logs WHERE id > $1 AND ($2::text[] IS NULL OR type = ANY ($2::text[]))
     AND ($3::text[] IS NULL OR asset_key = ANY ($3::text[])) ORDER BY id LIMIT $4`,
    [query.afterId ?? 0, query.types ?? null, query.assetKeys ?? null, query.limit ?? 1_000],
  );
  return rows.map(decodeEvent);
}

export async function getLatestEventId(db: Queryable): Promise<number> {
  const [row] = await db.query<{ id: number }>("SELECT coalesce(max(id), 0)::bigint AS id FROM event_logs");
  return row!.id;
}

export async function getAssetEvents(db: Queryable, assetKey: string, types: readonly OrchEventType[], query: AssetEventQuery): Promise<StoredEvent[]> {
  const rows = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM event_logs WHERE asset_key = $1 AND id > ${AFTER_WIPE("$1")} AND type = ANY ($2::text[])
     AND ($3::text IS NULL OR partition = $3) ORDER BY id ${query.descending === false ? "ASC" : "DESC"} LIMIT $4`,
    [assetKey, types, query.partition ?? null, query.limit ?? null],
  );
  return rows.map(decodeEvent);
}

export async function getAssetIndex(db: Queryable, assetKeys: readonly string[] | undefined, byPartition: boolean): Promise<AssetIndexEntry[]> {
  const filter = "WHERE ($1::text[] IS NULL OR asset_key = ANY ($1::text[]))";
  // Ids grow with the log, so the latest event over all partitions is the largest id.
  const sql = byPartition
    ? `SELECT asset_key, partition, last_materialization_id AS materialization, last_observation_id AS observation
       FROM asset_index ${filter} ORDER BY asset_key, partition`
    : `SELECT asset_key, '' AS partition, max(last_materialization_id) AS materialization, max(last_observation_id) AS observation
       FROM asset_index ${filter} GROUP BY asset_key ORDER BY asset_key`;
  const rows = await db.query<AssetIndexRow>(sql, [assetKeys ?? null]);
  const ids = assetIndexEventIds(rows);
  const found = ids.length === 0 ? [] : await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM event_logs WHERE id = ANY ($1::bigint[])`, [ids]);
  return assetIndexEntries(rows, found);
}

export async function wipeAsset(db: Db, assetKey: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute("DELETE FROM asset_index WHERE asset_key = $1", [assetKey]);
    await tx.execute("DELETE FROM partition_failures WHERE asset_key = $1", [assetKey]);
    await tx.execute("DELETE FROM asset_check_index WHERE asset_key = $1", [assetKey]);
    await tx.execute(
      `INSERT INTO asset_wipes (asset_key, wiped_through_id) VALUES ($1, (SELECT coalesce(max(id), 0) FROM event_logs))
       ON CONFLICT (asset_key) DO UPDATE SET wiped_through_id = excluded.wiped_through_id`,
      [assetKey],
    );
  });
}
