import {
  ErrorCode,
  OrchError,
  type AutomationStorage,
  type BackfillRecord,
  type DaemonHeartbeat,
  type DaemonLockHolder,
  type EnqueueOutcome,
  type InstigatorState,
  type StoredTick,
} from "@orch/core";
import type { Db } from "./db.ts";
import { getEventsAfter, getLatestEventId } from "./event-queries.ts";
import { getQueuedRuns, insertRun, transitionRun } from "./run-queries.ts";

const parse = <T>(rows: readonly { body: string }[]): T[] => rows.map((row) => JSON.parse(row.body) as T);

/**
 * The automation half of the storage contract. What must be atomic across processes (run keys, claims, the
 * daemon lock) is one guarded statement or a transaction holding the row lock.
 */
export function createAutomationQueries(db: Db): AutomationStorage {
  return {
    enqueueRuns: (requests) =>
      db.transaction(async (tx) => {
        const outcomes: EnqueueOutcome[] = [];
        for (const { run, runKey } of requests) {
          if (runKey !== undefined) {
            const claimed = await tx.execute("INSERT INTO run_keys (instigator, run_key, run_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [
              runKey.instigator,
              runKey.key,
              run.runId,
            ]);
            if (claimed === 0) {
              const [row] = await tx.query<{ run_id: string }>("SELECT run_id FROM run_keys WHERE instigator = $1 AND run_key = $2", [runKey.instigator, runKey.key]);
              outcomes.push({ runId: row!.run_id, created: false });
              continue;
            }
          }
          await insertRun(tx, { ...run, status: "QUEUED" });
          await tx.execute("INSERT INTO event_logs (run_id, type, timestamp) VALUES ($1, 'RUN_ENQUEUED', $2)", [run.runId, run.createdAt]);
          outcomes.push({ runId: run.runId, created: true });
        }
        // Watchers (a daemon's queue loop) hear of new runs at commit, as they hear of appended events.
        if (outcomes.some((o) => o.created)) await tx.query("SELECT pg_notify(current_schema() || '_events', (SELECT coalesce(max(id), 0) FROM event_logs)::text)");
        return outcomes;
      }),
    async getRunIdForKey(instigator, runKey) {
      const [row] = await db.query<{ run_id: string }>("SELECT run_id FROM run_keys WHERE instigator = $1 AND run_key = $2", [instigator, runKey]);
      return row?.run_id;
    },
    getQueuedRuns: (limit) => getQueuedRuns(db, limit),
    transitionRun: (runId, from, update) => transitionRun(db, runId, from, update),

    async addTicks(ticks) {
      if (ticks.length === 0) return [];
      const rows = await db.query<{ id: number }>(
        `INSERT INTO ticks (instigator, timestamp, body)
         SELECT instigator, ts, body FROM unnest($1::text[], $2::bigint[], $3::text[]) WITH ORDINALITY AS t(instigator, ts, body, ord) ORDER BY ord
         RETURNING id`,
        [ticks.map((t) => t.instigator), ticks.map((t) => t.timestamp), ticks.map((t) => JSON.stringify(t))],
      );
      return rows.map((row) => row.id).sort((a, b) => a - b);
    },
    async getTicks(instigator, options = {}) {
      const rows = await db.query<{ id: number; body: string }>(
        "SELECT id, body FROM ticks WHERE instigator = $1 AND timestamp < $2 ORDER BY timestamp DESC, id DESC LIMIT $3",
        [instigator, options.before ?? Number.MAX_SAFE_INTEGER, options.limit ?? 100],
      );
      return rows.map((row) => ({ ...(JSON.parse(row.body) as StoredTick), id: row.id }));
    },
    deleteTicksBefore: (timestamp) => db.execute("DELETE FROM ticks WHERE timestamp < $1", [timestamp]),

    async getInstigatorState(name) {
      return parse<InstigatorState>(await db.query("SELECT body FROM instigators WHERE name = $1", [name]))[0];
    },
    listInstigatorStates: async () => parse<InstigatorState>(await db.query("SELECT body FROM instigators ORDER BY name")),
    async setInstigatorStates(states) {
      if (states.length === 0) return;
      // The last state of a name wins, as with one upsert after another.
      const byName = new Map(states.map((state) => [state.name, JSON.stringify(state)]));
      await db.execute(
        `INSERT INTO instigators (name, body) SELECT * FROM unnest($1::text[], $2::text[])
         ON CONFLICT (name) DO UPDATE SET body = excluded.body`,
        [[...byName.keys()], [...byName.values()]],
      );
    },

    async createBackfill(backfill) {
      const inserted = await db.execute("INSERT INTO backfills (backfill_id, status, created_at, body) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", [
        backfill.backfillId,
        backfill.status,
        backfill.createdAt,
        JSON.stringify(backfill),
      ]);
      if (inserted === 0) {
        throw new OrchError(ErrorCode.STORAGE_ERROR, `Backfill "${backfill.backfillId}" already exists; backfill ids must be unique.`, { pkg: "postgres" });
      }
    },
    updateBackfill: (backfillId, update) =>
      db.transaction(async (tx) => {
        const [row] = await tx.query<{ body: string }>("SELECT body FROM backfills WHERE backfill_id = $1 FOR UPDATE", [backfillId]);
        if (row === undefined) throw new OrchError(ErrorCode.STORAGE_ERROR, `Cannot update backfill "${backfillId}": no such backfill.`, { pkg: "postgres" });
        const next: BackfillRecord = { ...(JSON.parse(row.body) as BackfillRecord), ...update };
        await tx.execute("UPDATE backfills SET status = $1, body = $2 WHERE backfill_id = $3", [next.status, JSON.stringify(next), backfillId]);
      }),
    async getBackfill(backfillId) {
      return parse<BackfillRecord>(await db.query("SELECT body FROM backfills WHERE backfill_id = $1", [backfillId]))[0];
    },
    listBackfills: async (options = {}) =>
      parse<BackfillRecord>(
        await db.query("SELECT body FROM backfills WHERE ($1::text[] IS NULL OR status = ANY ($1::text[])) ORDER BY created_at DESC, seq DESC LIMIT $2", [
          options.statuses ?? null,
          options.limit ?? 100,
        ]),
      ),

    acquireDaemonLock: (holder, staleAfterMs) =>
      db.transaction(async (tx) => {
        // Creates the row if missing, then locks it: two daemons racing here serialize on the row lock.
        await tx.execute("INSERT INTO daemon_lock (id, daemon_id, heartbeat_at, body) VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING", [
          holder.daemonId,
          holder.heartbeatAt,
          JSON.stringify(holder),
        ]);
        const [current] = await tx.query<{ daemon_id: string; heartbeat_at: number; body: string }>(
          "SELECT daemon_id, heartbeat_at, body FROM daemon_lock WHERE id = 1 FOR UPDATE",
        );
        if (current !== undefined && current.daemon_id !== holder.daemonId && holder.heartbeatAt - current.heartbeat_at <= staleAfterMs) {
          return { acquired: false as const, holder: JSON.parse(current.body) as DaemonLockHolder };
        }
        await tx.execute("UPDATE daemon_lock SET daemon_id = $1, heartbeat_at = $2, body = $3 WHERE id = 1", [holder.daemonId, holder.heartbeatAt, JSON.stringify(holder)]);
        return { acquired: true as const };
      }),
    async releaseDaemonLock(daemonId) {
      await db.execute("DELETE FROM daemon_lock WHERE id = 1 AND daemon_id = $1", [daemonId]);
    },
    async getDaemonLock() {
      return parse<DaemonLockHolder>(await db.query("SELECT body FROM daemon_lock WHERE id = 1"))[0];
    },
    async setDaemonHeartbeat(heartbeat) {
      await db.execute("INSERT INTO daemon_heartbeats (loop, body) VALUES ($1, $2) ON CONFLICT (loop) DO UPDATE SET body = excluded.body", [
        heartbeat.loop,
        JSON.stringify(heartbeat),
      ]);
    },
    getDaemonHeartbeats: async () => parse<DaemonHeartbeat>(await db.query("SELECT body FROM daemon_heartbeats ORDER BY loop")),

    getEventsAfter: (query) => getEventsAfter(db, query),
    getMaterializationsAfter: (query) =>
      getEventsAfter(db, {
        types: ["ASSET_MATERIALIZATION"],
        assetKeys: query.assetKeys,
        afterId: query.afterEventId ?? 0,
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
      }),
    getLatestEventId: () => getLatestEventId(db),
  };
}
