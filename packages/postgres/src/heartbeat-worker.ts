// Runs in a worker thread: writes one run's heartbeat on its own connection, so a step that blocks the main
// thread's event loop does not stop the beat. Plain TypeScript (erasable syntax only), no @orch imports.
import { parentPort, workerData } from "node:worker_threads";
import pg from "pg";

const { url, schema, runId, intervalMs } = workerData as { url: string; schema: string; runId: string; intervalMs: number };
const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}`, application_name: "orch-heartbeat" });
client.on("error", () => undefined);
let writing: Promise<unknown> = Promise.resolve();
const beat = (): void => {
  writing = client
    .query("INSERT INTO heartbeats (run_id, at) VALUES ($1, $2) ON CONFLICT (run_id) DO UPDATE SET at = excluded.at", [runId, Date.now()])
    // A dropped connection only loses this beat; the next one tries again.
    .catch(() => undefined);
};
let timer: NodeJS.Timeout | undefined;
parentPort!.on("message", (message: unknown) => {
  if (message !== "stop") return;
  clearInterval(timer);
  void writing.then(() => client.end().catch(() => undefined)).then(() => {
    parentPort!.postMessage("stopped");
    parentPort!.close();
  });
});
client.connect().then(
  () => {
    // The first beat at once: whoever watches (crash detection, the queue executor) sees the work taken now.
    beat();
    timer = setInterval(beat, intervalMs);
    parentPort!.postMessage("ready");
  },
  () => parentPort!.close(),
);
