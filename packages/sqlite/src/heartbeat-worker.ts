// Runs in a worker thread: writes one run's heartbeat on its own connection, so a step that blocks the main
// thread's event loop does not stop the beat. Plain TypeScript (erasable syntax only), no @orch imports.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const { path, runId, intervalMs } = workerData as { path: string; runId: string; intervalMs: number };
const db = new Database(path);
db.pragma("busy_timeout = 5000");
const upsert = db.prepare("INSERT INTO heartbeats (run_id, at) VALUES (?, ?) ON CONFLICT (run_id) DO UPDATE SET at = excluded.at");
const beat = (): void => {
  try {
    upsert.run(runId, Date.now());
  } catch {
    // A busy or closing database: the next beat tries again.
  }
};
const timer = setInterval(beat, intervalMs);
parentPort!.on("message", (message: unknown) => {
  if (message !== "stop") return;
  clearInterval(timer);
  db.close();
  parentPort!.postMessage("stopped");
  parentPort!.close();
});
parentPort!.postMessage("ready");
