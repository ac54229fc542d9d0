import { workerThreadHeartbeat, type HeartbeatHandle } from "@orch/core";

const WORKER_FILE = new URL(`./heartbeat-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

/** The run's heartbeat from a worker thread with its own connection to the database file. */
export function threadHeartbeat(path: string, runId: string, intervalMs: number): HeartbeatHandle {
  return workerThreadHeartbeat(WORKER_FILE, { path, runId, intervalMs });
}
