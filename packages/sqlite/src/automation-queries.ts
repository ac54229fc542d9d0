import {
  ErrorCode,
  OrchError,
  type AutomationStorage,
  type BackfillRecord,
  type DaemonHeartbeat,
  type DaemonLockHolder,
  type EnqueueOutcome,
  type EventLogQuery,
  type StoredEvent,
  type InstigatorState,
  type StoredTick,
} from "@orch/core";
import type { Connection } from "./connection.ts";
import { decodeEvent, type EventRow } from "@orch/core";
import { decodeRun, type RunRow } from "@orch/core";
import { insertRun, RUN_UPDATE_SET, runUpdateParams } from "./run-queries.ts";

/**
 * The automation half of the storage contract. Writes that must be atomic across processes (run keys, claims,
 * the daemon lock) are single statements or IMMEDIATE transactions, so two processes on one file serialize.
 */
export type SyncAutomationQueries = {
  [K in keyof AutomationStorage]: (...args: Parameters<AutomationStorage[K]>) => Awaited<ReturnType<AutomationStorage[K]>>;
};

export function createAutomationQueries(conn: Connection): SyncAutomationQueries {
  const { db } = conn;
  const enqueue = db.transaction((requests: Parameters<AutomationStorage["enqueueRuns"]>[0]): EnqueueOutcome[] => {
    const claimKey = conn.stmt("INSERT INTO run_keys (instigator, run_key, run_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
    const keyed = conn.stmt("SELECT run_id FROM run_keys WHERE instigator = ? AND run_key = ?").pluck();
    const event = conn.stmt("INSERT INTO event_logs (run_id, type, timestamp) VALUES (?, 'RUN_ENQUEUED', ?)");
    const outcomes: EnqueueOutcome[] = [];
    for (const { run, runKey } of requests) {
      if (runKey !== undefined && claimKey.run(runKey.instigator, runKey.key, run.runId).changes === 0) {
        outcomes.push({ runId: keyed.get(runKey.instigator, runKey.key) as string, created: false });
        continue;
      }
      insertRun(conn, { ...run, status: "QUEUED" });
      event.run(run.runId, run.createdAt);
      outcomes.push({ runId: run.runId, created: true });
    }
    return outcomes;
  });

  const acquire = db.transaction((holder: DaemonLockHolder, staleAfterMs: number) => {
    const current = conn.stmt("SELECT daemon_id, heartbeat_at, body FROM daemon_lock WHERE id = 1").get() as
      | { daemon_id: string; heartbeat_at: number; body: string }
      | undefined;
    if (current !== undefined && current.daemon_id !== holder.daemonId && holder.heartbeatAt - current.heartbeat_at <= staleAfterMs) {
      return { acquired: false as const, holder: JSON.parse(current.body) as DaemonLockHolder };
    }
    conn
      .stmt(
        `INSERT INTO daemon_lock (id, daemon_id, heartbeat_at, body) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET daemon_id = excluded.daemon_id, heartbeat_at = excluded.heartbeat_at, body = excluded.body`,
      )
      .run(holder.daemonId, holder.heartbeatAt, JSON.stringify(holder));
    return { acquired: true as const };
  });

  return {
    enqueueRuns: (requests) => enqueue.immediate(requests),
    getRunIdForKey: (instigator, runKey) =>
      conn.stmt("SELECT run_id FROM run_keys WHERE instigator = ? AND run_key = ?").pluck().get(instigator, runKey) as string | undefined,
    getQueuedRuns: (limit = -1) =>
      (conn.stmt("SELECT * FROM runs WHERE status = 'QUEUED' ORDER BY created_at, rowid LIMIT ?").all(limit) as RunRow[]).map(decodeRun),
    transitionRun(runId, from, update) {
      // One UPDATE guarded by the status: of two processes racing here, the second sees zero changes.
      const result = conn
        .stmt(`UPDATE runs SET ${RUN_UPDATE_SET} WHERE run_id = @runId AND status IN (SELECT value FROM json_each(@from))`)
        .run({ ...runUpdateParams(runId, update), from: JSON.stringify(from) });
      return result.changes === 1;
    },

    addTicks: (ticks) =>
      db.transaction(() => {
        const insert = conn.stmt("INSERT INTO ticks (instigator, timestamp, body) VALUES (?, ?, ?)");
        return ticks.map((tick) => Number(insert.run(tick.instigator, tick.timestamp, JSON.stringify(tick)).lastInsertRowid));
      }).immediate(),
    getTicks(instigator, options = {}) {
      const rows = conn
        .stmt("SELECT id, body FROM ticks WHERE instigator = ? AND timestamp < ? ORDER BY timestamp DESC, id DESC LIMIT ?")
        .all(instigator, options.before ?? Number.MAX_SAFE_INTEGER, options.limit ?? 100) as { id: number; body: string }[];
      return rows.map((row) => ({ ...(JSON.parse(row.body) as StoredTick), id: row.id }));
    },
    deleteTicksBefore: (timestamp) => conn.stmt("DELETE FROM ticks WHERE timestamp < ?").run(timestamp).changes,

    getInstigatorState(name) {
      const body = conn.stmt("SELECT body FROM instigators WHERE name = ?").pluck().get(name) as string | undefined;
      return body === undefined ? undefined : (JSON.parse(body) as InstigatorState);
    },
    listInstigatorStates: () =>
      (conn.stmt("SELECT body FROM instigators ORDER BY name").pluck().all() as string[]).map((body) => JSON.parse(body) as InstigatorState),
    setInstigatorStates(states) {
      const upsert = conn.stmt("INSERT INTO instigators (name, body) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET body = excluded.body");
      db.transaction(() => {
        for (const state of states) upsert.run(state.name, JSON.stringify(state));
      }).immediate();
    },

    createBackfill(backfill) {
      const inserted = conn
        .stmt("INSERT INTO backfills (backfill_id, status, created_at, body) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
        .run(backfill.backfillId, backfill.status, backfill.createdAt, JSON.stringify(backfill));
      if (inserted.changes === 0) {
        throw new OrchError(ErrorCode.STORAGE_ERROR, `Backfill "${backfill.backfillId}" already exists; backfill ids must be unique.`, { pkg: "sqlite" });
      }
    },
    updateBackfill(backfillId, update) {
      db.transaction(() => {
        const body = conn.stmt("SELECT body FROM backfills WHERE backfill_id = ?").pluck().get(backfillId) as string | undefined;
        if (body === undefined) throw new OrchError(ErrorCode.STORAGE_ERROR, `Cannot update backfill "${backfillId}": no such backfill.`, { pkg: "sqlite" });
        const next: BackfillRecord = { ...(JSON.parse(body) as BackfillRecord), ...update };
        conn.stmt("UPDATE backfills SET status = ?, body = ? WHERE backfill_id = ?").run(next.status, JSON.stringify(next), backfillId);
      }).immediate();
    },
    getBackfill(backfillId) {
      const body = conn.stmt("SELECT body FROM backfills WHERE backfill_id = ?").pluck().get(backfillId) as string | undefined;
      return body === undefined ? undefined : (JSON.parse(body) as BackfillRecord);
    },
    listBackfills(options = {}) {
      const filtered = options.statuses !== undefined;
      const sql = `SELECT body FROM backfills ${filtered ? "WHERE status IN (SELECT value FROM json_each(?))" : ""}
        ORDER BY created_at DESC, rowid DESC LIMIT ?`;
      const params: unknown[] = filtered ? [JSON.stringify(options.statuses)] : [];
      params.push(options.limit ?? 100);
      return (conn.stmt(sql).pluck().all(...params) as string[]).map((body) => JSON.parse(body) as BackfillRecord);
    },

    acquireDaemonLock: (holder, staleAfterMs) => acquire.immediate(holder, staleAfterMs),
    releaseDaemonLock(daemonId) {
      conn.stmt("DELETE FROM daemon_lock WHERE id = 1 AND daemon_id = ?").run(daemonId);
    },
    getDaemonLock() {
      const body = conn.stmt("SELECT body FROM daemon_lock WHERE id = 1").pluck().get() as string | undefined;
      return body === undefined ? undefined : (JSON.parse(body) as DaemonLockHolder);
    },
    setDaemonHeartbeat(heartbeat) {
      conn
        .stmt("INSERT INTO daemon_heartbeats (loop, body) VALUES (?, ?) ON CONFLICT (loop) DO UPDATE SET body = excluded.body")
        .run(heartbeat.loop, JSON.stringify(heartbeat));
    },
    getDaemonHeartbeats: () =>
      (conn.stmt("SELECT body FROM daemon_heartbeats ORDER BY loop").pluck().all() as string[]).map((body) => JSON.parse(body) as DaemonHeartbeat),

    getEventsAfter,
    getMaterializationsAfter: (query) =>
      getEventsAfter({ types: ["ASSET_MATERIALIZATION"], assetKeys: query.assetKeys, afterId: query.afterEventId ?? 0, ...(query.limit !== undefined ? { limit: query.limit } : {}) }),
    getLatestEventId: () => (conn.stmt("SELECT coalesce(max(id), 0) FROM event_logs").pluck().get() as number),
  };

  function getEventsAfter(query: EventLogQuery): StoredEvent[] {
    const typed = query.types !== undefined;
    const byAsset = query.assetKeys !== undefined;
    const sql = `SELECT * FROM event_logs WHERE id > ? ${typed ? "AND type IN (SELECT value FROM json_each(?))" : ""}
      ${byAsset ? "AND asset_key IN (SELECT value FROM json_each(?))" : ""} ORDER BY id LIMIT ?`;
    const params: unknown[] = [query.afterId ?? 0];
    if (typed) params.push(JSON.stringify(query.types));
    if (byAsset) params.push(JSON.stringify(query.assetKeys));
    params.push(query.limit ?? 1_000);
    return (conn.stmt(sql).all(...params) as EventRow[]).map(decodeEvent);
  }
}
