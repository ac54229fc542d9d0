import type { Connection } from "./connection.ts";
import { deleteRunsAndEvents } from "./delete-runs.ts";
import { countEvents } from "./event-queries.ts";

/**
 * Keeps the instance bounded. Only finished runs (SUCCESS, FAILURE, CANCELED) are ever removed, oldest first,
 * with their events; the asset index then points at the latest remaining events. Applied when the storage
 * opens and again every `checkEveryEvents` appended events.
 */
export interface RetentionOptions {
  /** Delete finished runs created more than this many days ago. */
  readonly maxAgeDays?: number;
  /** Delete the oldest finished runs while the event log holds more rows than this. */
  readonly maxEventRows?: number;
  /** How many appended events between two retention passes; default 10,000. */
  readonly checkEveryEvents?: number;
}

const FINISHED = "status IN ('SUCCESS', 'FAILURE', 'CANCELED')";
const CHUNK = 100;

/** Runs one retention pass; returns how many runs it deleted. */
export function applyRetention(conn: Connection, options: RetentionOptions, now = Date.now()): number {
  let deleted = 0;
  if (options.maxAgeDays !== undefined) {
    const cutoff = now - options.maxAgeDays * 86_400_000;
    const old = conn.stmt(`SELECT run_id FROM runs WHERE ${FINISHED} AND created_at < ?`).pluck().all(cutoff) as string[];
    for (let i = 0; i < old.length; i += CHUNK) deleted += deleteRunsAndEvents(conn, old.slice(i, i + CHUNK));
  }
  if (options.maxEventRows !== undefined) {
    const oldest = conn.stmt(`SELECT run_id FROM runs WHERE ${FINISHED} ORDER BY created_at, rowid LIMIT 10`).pluck();
    while (countEvents(conn) > options.maxEventRows) {
      const batch = oldest.all() as string[];
      if (batch.length === 0) break;
      deleted += deleteRunsAndEvents(conn, batch);
    }
  }
  return deleted;
}
