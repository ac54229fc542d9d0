// Runs on many workers over one PostgreSQL: 1,000 trivial queued runs drained by 4 `orch worker` processes (real
// processes, a real `orch daemon` coordinating, one worker SIGKILLed halfway); start latency of runs released to
// idle workers; per-asset overhead of a 1,000-asset chain on PostgreSQL vs SQLite in the same run; event appends.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  asset,
  buildQueuedRun,
  CRASHED_RUN_REASON,
  defineDefinitions,
  enqueueRun,
  FINISHED_STATUSES,
  inProcessExecutor,
  materialize,
  memoryIOManager,
  type InstanceStorage,
  type OrchEvent,
} from "@orch/core";
import { postgresStorage } from "@orch/postgres";
import { startTestPostgres } from "@orch/postgres/testing";
import { sqliteStorage } from "@orch/sqlite";
import { executionCounts, startCluster, waitForOutput } from "../../../packages/postgres/test/cluster.ts";
import { chain } from "./_assets.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 1_000);
const WORKERS = 4;
const CHAIN = 1_000;
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.99))]!;

async function msPerAsset(open: () => InstanceStorage): Promise<number> {
  const defs = defineDefinitions({ assets: chain(CHAIN) });
  const once = async () => {
    const instance = open();
    try {
      const started = performance.now();
      const result = await materialize(defs, { instance, defaultIOManager: memoryIOManager(), executor: inProcessExecutor({ maxConcurrency: 2 }) });
      if (!result.success) throw new Error(`chain run failed: ${result.status}`);
      return (performance.now() - started) / CHAIN;
    } finally {
      await instance.close();
    }
  };
  await once(); // warm-up: JIT, module caches, the server's caches
  return once();
}

async function eventsPerSecond(url: string): Promise<number> {
  const storage = postgresStorage({ url, schema: "bench_events", poolSize: 4 });
  await storage.ready();
  const total = 100_000;
  const perCall = 50;
  const event = (i: number): OrchEvent => ({ type: "LOG", runId: `r${i % 16}`, timestamp: Date.now(), level: "info", message: `line ${i}` });
  const started = performance.now();
  // 16 producers appending 50 events per call, as 16 busy runs would.
  await Promise.all(
    Array.from({ length: 16 }, async (_, producer) => {
      for (let i = producer * perCall; i < total; i += 16 * perCall) await storage.appendEvents(Array.from({ length: perCall }, (_, j) => event(i + j)));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const written = storage.stats();
  console.log(`events: ${written.eventsWritten} in ${written.eventBatches} round trips, ${seconds.toFixed(2)} s`);
  await storage.close();
  return total / seconds;
}

const definitions = defineDefinitions({ assets: [asset({ key: "work", compute: () => 1 })] });

async function main(): Promise<void> {
  const server = await startTestPostgres();
  const sqliteDir = mkdtempSync(join(tmpdir(), "orch-bench-sqlite-"));
  try {
    let n = 0;
    const pg = await msPerAsset(() => postgresStorage({ url: server.url, schema: `bench_chain_${++n}`, poolSize: 4 }));
    const sqlite = await msPerAsset(() => sqliteStorage({ path: join(sqliteDir, `chain-${++n}.db`) }));
    console.log(`chain of ${CHAIN}: postgres ${pg.toFixed(3)} ms/asset, sqlite ${sqlite.toFixed(3)} ms/asset`);
    const eventsPerS = await eventsPerSecond(server.url);
    console.log(`event appends: ${Math.round(eventsPerS)} events/s`);

    const cluster = await startCluster(server.url, "bench_runs", {}, { maxConcurrent: WORKERS * 4 * 2, staleAfterMs: 10_000 });
    try {
      const daemon = cluster.spawn(["daemon"]);
      await waitForOutput(daemon, "orch daemon: started", 60_000);
      const workers = Array.from({ length: WORKERS }, () => cluster.spawn(["worker", "--concurrency", "4"]));
      await Promise.all(workers.map((w) => waitForOutput(w, "orch worker: started", 60_000)));

      // Warm-up: each worker's first runs load and compile the run path.
      const warm: string[] = [];
      for (let i = 0; i < 16; i++) warm.push((await enqueueRun(definitions, cluster.storage, { selection: "work" })).runId);
      await drain(cluster.storage, warm, 60_000);
      // Start latency with free capacity: runs enqueued one at a time, 20 per second; created -> STARTED.
      const paced: string[] = [];
      for (let i = 0; i < 100; i++) {
        paced.push((await enqueueRun(definitions, cluster.storage, { selection: "work" })).runId);
        await sleep(50);
      }
      const pacedRuns = await drain(cluster.storage, paced, 60_000);
      const startMs = pacedRuns.filter((r) => r.startedAt !== undefined).map((r) => r.startedAt! - r.createdAt);
      const sorted = [...startMs].sort((a, b) => a - b);
      console.log(`start latency (idle workers): p50 ${sorted[50]} ms, p90 ${sorted[90]} ms, p99 ${p99(startMs)} ms, max ${sorted.at(-1)} ms`);

      // Throughput: RUNS queued at once, one worker SIGKILLed when half have ended.
      const started = Date.now();
      const ids: string[] = [];
      // As a backfill queues them: built here, written 100 per call.
      for (let i = 0; i < RUNS; i += 100) {
        const batch = await Promise.all(Array.from({ length: Math.min(100, RUNS - i) }, () => buildQueuedRun(definitions, cluster.storage, { selection: "work" })));
        for (const outcome of await cluster.storage.enqueueRuns(batch.map((run) => ({ run })))) ids.push(outcome.runId);
      }
      console.log(`queued ${RUNS} runs in ${Date.now() - started} ms`);
      const victim = workers[0]!;
      let killed = false;
      const runs = await drain(cluster.storage, ids, 600_000, (ended) => {
        if (!killed && ended >= RUNS / 2) {
          killed = true;
          victim.kill("SIGKILL");
          console.log(`SIGKILLed worker pid ${victim.pid} with ${ended} runs ended`);
        }
      });
      const ended = Math.max(...runs.map((r) => r.endedAt ?? 0));
      const executions = await cluster.executions();
      const counts = executionCounts(executions);
      const duplicates = ids.reduce((sum, id) => sum + Math.max(0, (counts.get(id) ?? 0) - 1), 0);
      const closed = runs.filter((r) => r.status === "FAILURE" && r.statusReason === CRASHED_RUN_REASON);
      const recovered = closed.length;
      // A run closed as crashed that a live worker was executing: a false detection (a missed beat under load).
      const falseDetections = closed.filter((r) => executions.some((e) => e.runId === r.runId && e.pid !== victim.pid)).length;
      const succeeded = runs.filter((r) => r.status === "SUCCESS").length;
      // Lost: not ended, or ended some other way than success or crash recovery.
      const lost = RUNS - succeeded - recovered;
      console.log(`${succeeded} succeeded, ${recovered} closed after their worker died, ${lost} lost, ${duplicates} executed twice`);
      console.log(
        JSON.stringify({
          bench: "distributed",
          workers: WORKERS,
          worker_concurrency: 4,
          runs: RUNS,
          runs_per_s: round(RUNS / ((ended - started) / 1000), 1),
          start_p99_ms: p99(startMs),
          duplicates,
          lost,
          killed_worker_runs_recovered: recovered,
          live_runs_taken_for_crashed: falseDetections,
          ms_per_asset_postgres: round(pg),
          ms_per_asset_sqlite: round(sqlite),
          events_per_s_postgres: Math.round(eventsPerS),
        }),
      );
    } finally {
      await cluster.close();
    }
  } finally {
    rmSync(sqliteDir, { recursive: true, force: true });
    await server.stop();
  }
}

/** Waits until every run has ended (or the time is up) and returns their records. */
async function drain(storage: InstanceStorage, ids: readonly string[], timeoutMs: number, onProgress?: (ended: number) => void) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await storage.listRuns({ runIds: ids, limit: ids.length });
    const ended = runs.filter((r) => FINISHED_STATUSES.has(r.status)).length;
    onProgress?.(ended);
    if (ended === ids.length || Date.now() > deadline) return runs;
    await sleep(200);
  }
}

await main();
