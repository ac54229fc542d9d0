// Runs in a worker thread, one per storage: writes the heartbeats of every run (and queued step) this process
// executes on one connection of its own, so a step that blocks the main thread's event loop does not stop them and a
// killed process stops them all. Plain TypeScript (erasable syntax only), no @orch code.
import { parentPort, workerData } from "node:worker_threads";
// A type only, erased: nothing of @orch is loaded in this thread.
import type { HeartbeatThreadMessage as HeartbeatMessage } from "@orch/core";
import pg from "pg";
import { WRITE_HEARTBEAT } from "./heartbeat-sql.ts";

const { url, schema } = workerData as { url: string; schema: string };
let client: Promise<pg.Client> | undefined;

/** The thread's connection, opened again after it dropped (the next beat retries). */
function connection(): Promise<pg.Client> {
  client ??= (async () => {
    const c = new pg.Client({ connectionString: url, options: `-c search_path=${schema}`, application_name: "orch-heartbeat" });
    c.on("error", () => {
      client = undefined;
    });
    await c.connect();
    return c;
  })().catch((error: unknown) => {
    client = undefined;
    throw error;
  });
  return client;
}

const beats = new Map<number, { runId: string; timer: NodeJS.Timeout; writing: Promise<unknown> }>();

const write = (runId: string): Promise<unknown> =>
  connection()
    .then((c) => c.query(WRITE_HEARTBEAT, [runId, Date.now()]))
    // A dropped connection only loses this beat; the next one tries again.
    .catch(() => undefined);

parentPort!.on("message", (message: HeartbeatMessage) => {
  if (message.type === "start") {
    const { beat, runId, intervalMs } = message;
    // The first beat at once: whoever watches (crash detection, the queue executor) sees the work taken now.
    const entry = { runId, writing: write(runId), timer: setInterval(() => (entry.writing = write(runId)), intervalMs) };
    beats.set(beat, entry);
    return;
  }
  const entry = beats.get(message.beat);
  beats.delete(message.beat);
  if (entry === undefined) return void parentPort!.postMessage({ stopped: message.beat });
  clearInterval(entry.timer);
  // One connection runs its queries in order: once the last write is done, every earlier one is.
  void entry.writing.then(() => parentPort!.postMessage({ stopped: message.beat }));
});
