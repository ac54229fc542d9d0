// Row shapes shared by the SQL instance storages (@orch/sqlite, @orch/postgres): the fields queries filter on are
// columns, the rest a compact JSON body. One codec, so both stores read and write the same rows.
import { assetKeyToString } from "../asset-key.ts";
import type { OrchEvent, StoredEvent } from "../events.ts";
import type { AssetIndexEntry } from "../storage.ts";
import type { RunRecord, RunStatus } from "../run-record.ts";

/** One row of `runs`: what `updateRun` changes and `listRuns` filters on are columns; the rest is JSON. */
export interface RunRow {
  readonly run_id: string;
  readonly status: string;
  readonly created_at: number;
  readonly started_at: number | null;
  readonly ended_at: number | null;
  readonly status_reason: string | null;
  readonly body: string;
}

export function encodeRun(run: RunRecord): RunRow {
  const { runId, status, createdAt, startedAt, endedAt, statusReason, ...rest } = run;
  return {
    run_id: runId,
    status,
    created_at: createdAt,
    started_at: startedAt ?? null,
    ended_at: endedAt ?? null,
    status_reason: statusReason ?? null,
    body: JSON.stringify(rest),
  };
}

export function decodeRun(row: RunRow): RunRecord {
  const run: Record<string, unknown> = {
    runId: row.run_id,
    status: row.status as RunStatus,
    createdAt: row.created_at,
    ...JSON.parse(row.body),
  };
  if (row.started_at !== null) run.startedAt = row.started_at;
  if (row.ended_at !== null) run.endedAt = row.ended_at;
  if (row.status_reason !== null) run.statusReason = row.status_reason;
  return run as unknown as RunRecord;
}

/** One row of `event_logs`: the fields queries filter on get columns; the rest is a compact JSON body. */
export interface EventRow {
  readonly id: number;
  readonly run_id: string;
  readonly type: string;
  readonly step_key: string | null;
  readonly asset_key: string | null;
  readonly partition: string | null;
  readonly timestamp: number;
  readonly body: string | null;
}

export type EventColumns = Omit<EventRow, "id">;

/** Splits an event into columns and a body without the fields the columns already hold (rows stay small). */
export function encodeEvent(event: OrchEvent): EventColumns {
  const { runId, type, stepKey, timestamp, ...rest } = event;
  let assetKey: string | null = null;
  let partition: string | null = null;
  let body: Record<string, unknown> = rest;
  if ("assetKey" in rest) {
    const { assetKey: key, partition: part, ...others } = rest as { assetKey: readonly string[]; partition?: string };
    assetKey = assetKeyToString(key);
    partition = part ?? null;
    body = others;
  }
  return {
    run_id: runId,
    type,
    step_key: stepKey ?? null,
    asset_key: assetKey,
    partition,
    timestamp,
    body: Object.keys(body).length === 0 ? null : JSON.stringify(body),
  };
}

export function decodeEvent(row: EventRow): StoredEvent {
  const event: Record<string, unknown> = { runId: row.run_id, timestamp: row.timestamp, type: row.type };
  if (row.step_key !== null) event.stepKey = row.step_key;
  // Asset key segments never contain "/" (core refuses it), so the string form splits back losslessly.
  if (row.asset_key !== null) event.assetKey = row.asset_key.split("/");
  if (row.partition !== null) event.partition = row.partition;
  if (row.body !== null) Object.assign(event, JSON.parse(row.body));
  event.id = row.id;
  return event as unknown as StoredEvent;
}

/** One row of an asset index query: the ids of the latest materialization and observation ('' = unpartitioned). */
export interface AssetIndexRow {
  readonly asset_key: string;
  readonly partition: string;
  readonly materialization: number | null;
  readonly observation: number | null;
}

/** The event ids an index query's rows point at, to load in one query. */
export const assetIndexEventIds = (rows: readonly AssetIndexRow[]): number[] =>
  rows.flatMap((row) => [row.materialization, row.observation].filter((id) => id !== null));

/** Index rows with the events they point at (loaded by id) as `AssetIndexEntry`s. */
export function assetIndexEntries(rows: readonly AssetIndexRow[], eventRows: readonly EventRow[]): AssetIndexEntry[] {
  const events = new Map(eventRows.map((row) => [row.id, decodeEvent(row)]));
  return rows.map((row) => {
    const lastMaterialization = row.materialization === null ? undefined : events.get(row.materialization);
    const lastObservation = row.observation === null ? undefined : events.get(row.observation);
    return {
      assetKey: row.asset_key,
      partition: row.partition === "" ? null : row.partition,
      ...(lastMaterialization ? { lastMaterialization } : {}),
      ...(lastObservation ? { lastObservation } : {}),
    };
  });
}
