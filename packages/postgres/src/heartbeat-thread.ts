import { workerThreadHeartbeat, type HeartbeatHandle } from "@orch/core";

const WORKER_FILE = new URL(`./heartbeat-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

/** The run's heartbeat from a worker thread with its own connection to the server. */
export function threadHeartbeat(url: string, schema: string, runId: string, intervalMs: number): HeartbeatHandle {
  return workerThreadHeartbeat(WORKER_FILE, { url, schema, runId, intervalMs });
}
