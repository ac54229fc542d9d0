/**
 * Writes one heartbeat ($1 run id, $2 epoch ms) without waiting for the WAL flush (`synchronous_commit = off` for
 * this statement's transaction only): it is visible to every reader once committed, and a beat lost with a crash of
 * the server only makes its run look a moment older. Shared by the pool's writes and the heartbeat thread's.
 */
export const WRITE_HEARTBEAT = `INSERT INTO heartbeats (run_id, at)
  SELECT $1, $2 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
  ON CONFLICT (run_id) DO UPDATE SET at = excluded.at`;
