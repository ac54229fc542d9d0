// Runs in a worker thread, one per storage: writes the heartbeats of every run this process executes on its own
// connection to the database file, so a step that blocks the main thread's event loop does not stop them and a killed
// process stops them all. Plain TypeScript (erasable syntax only), no @orch code.
import { parentPort, workerData } from "node:worker_threads";
// A type only, erased: nothing of @orch is loaded in this thread.
import type { HeartbeatThreadMessage } from "@orch/core";
import Database from "better-sqlite3";

const { path } = workerData as { path: string };
const db = new Database(path);
db.pragma("busy_timeout = 5000");
const upsert = db.prepare("INSERT INTO heartbeats (run_id, at) VALUES (?, ?) ON CONFLICT (run_id) DO UPDATE SET at = excluded.at");
const write = (runId: string): void => {
  try {
    upsert.run(runId, Date.now());
  } catch {
    // A busy or closing database: the next beat tries again.
  }
};

const timers = new Map<number, NodeJS.Timeout>();
parentPort!.on("message", (message: HeartbeatThreadMessage) => {
  if (message.type === "start") {
    const { beat, runId, intervalMs } = message;
    // The first beat at once: whoever watches (crash detection) sees the run taken now.
    write(runId);
    timers.set(beat, setInterval(() => write(runId), intervalMs));
    return;
  }
  clearInterval(timers.get(message.beat));
  timers.delete(message.beat);
  // Writes are synchronous: once the timer is cleared, no beat of it is being written.
  parentPort!.postMessage({ stopped: message.beat });
});
