import type { Connection } from "./connection.ts";
import { deleteRunsAndEvents } from "./delete-runs.ts";
import { countEvents } from "./event-queries.ts";

/**
 * Keeps the instance bounded. Only finished runs (SUCCESS, FAILURE, CANCELED) are ever removed, oldest first,
 * with their events; the asset index then points at the latest remaining events. Schedule and sensor ticks older
 * than `maxAgeDays` go too. Applied when the storage
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
    // Tick history of schedules and sensors ages out with the runs.
    conn.stmt("DELETE FROM ticks WHERE timestamp < ?").run(cutoff);
  }
  if (options.maxEventRows !== undefined) {
    const excess = countEvents(conn) - options.maxEventRows;
    if (excess > 0) {
      const victims = oldestFinishedRunsHolding(conn, excess);
      for (let i = 0; i < victims.length; i += CHUNK) deleted += deleteRunsAndEvents(conn, victims.slice(i, i + CHUNK));
    }
  }
  return deleted;
}

/** The oldest finished runs whose events add up to at least `rows` (fewer if all finished runs hold less). */
function oldestFinishedRunsHolding(conn: Connection, rows: number): string[] {
  const candidates = conn.stmt(
    `SELECT run_id, (SELECT count(*) FROM event_logs e WHERE e.run_id = runs.run_id) AS n
     FROM runs WHERE ${FINISHED} ORDER BY created_at, rowid`,
  );
  const victims: string[] = [];
  let freed = 0;
  // Collect first, delete after: the connection cannot write while a query iterates.
  for (const row of candidates.iterate() as IterableIterator<{ run_id: string; n: number }>) {
    victims.push(row.run_id);
    freed += row.n;
    if (freed >= rows) break;
  }
  return victims;
}
