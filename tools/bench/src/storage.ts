// Instance storage: N trivial assets (a chain) materialized with the SQLite instance and with the in-memory one
// in the same process; raw event write throughput through appendEvents; database bytes per materialization.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineDefinitions, inProcessExecutor, materialize, memoryIOManager, memoryStorage, type InstanceStorage, type OrchEvent } from "@orch/core";
import { sqliteStorage } from "@orch/sqlite";
import { chain } from "./_assets.ts";

const N = 1_000;
const dir = mkdtempSync(join(tmpdir(), "orch-bench-storage-"));

const defs = defineDefinitions({ assets: chain(N) });

async function materializeMs(instance: InstanceStorage): Promise<number> {
  const started = performance.now();
  const result = await materialize(defs, { instance, defaultIOManager: memoryIOManager(), executor: inProcessExecutor({ maxConcurrency: 2 }) });
  const ms = performance.now() - started;
  if (!result.success) throw new Error(`run failed: ${result.status}`);
  return ms;
}

const ROUNDS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median over ROUNDS runs, each on a fresh instance, after one warm-up run (JIT, module caches, statements). */
async function msPerAsset(make: () => InstanceStorage): Promise<number> {
  const times: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const instance = make();
    const ms = await materializeMs(instance);
    await instance.close();
    if (round > 0) times.push(ms / N);
  }
  return median(times);
}

let dbCount = 0;
const freshDb = () => join(dir, `bench-${++dbCount}.db`);

const memoryMs = await msPerAsset(() => memoryStorage());
const sqliteMs = await msPerAsset(() => sqliteStorage({ path: freshDb() }));
console.log(`materialize ${N} chained assets: sqlite ${sqliteMs.toFixed(3)} ms/asset, memory ${memoryMs.toFixed(3)} ms/asset`);

// Bytes per materialization: file growth over one run of N assets, with the WAL checkpointed into the file.
const sizePath = freshDb();
const sized = sqliteStorage({ path: sizePath });
await materializeMs(sized); // first run creates the tables' pages and indexes
sized.checkpoint();
const before = statSync(sizePath).size;
await materializeMs(sized);
sized.checkpoint();
const bytesPerMaterialization = (statSync(sizePath).size - before) / N;
const eventsPerRun = (await sized.getEvents((await sized.listRuns({ limit: 1 }))[0]!.runId)).length;
await sized.close();
console.log(`database growth: ${bytesPerMaterialization.toFixed(0)} bytes per materialization (${eventsPerRun} events per run of ${N})`);

// Raw event throughput: batches of 100 events, 10 appends in flight at a time (as parallel steps would).
const BATCH = 100;
const TOTAL = 100_000;
const makeBatch = (start: number): OrchEvent[] =>
  Array.from({ length: BATCH }, (_, i) => ({ type: "LOG", runId: `run-${start % 7}`, timestamp: Date.now(), level: "info", message: `event ${start + i}` }));
const rates: number[] = [];
for (let round = 0; round <= ROUNDS; round++) {
  const raw = sqliteStorage({ path: freshDb() });
  const started = performance.now();
  for (let written = 0; written < TOTAL; written += BATCH * 10) {
    await Promise.all(Array.from({ length: 10 }, (_, k) => raw.appendEvents(makeBatch(written + k * BATCH))));
  }
  if (round > 0) rates.push(TOTAL / ((performance.now() - started) / 1000));
  await raw.close();
}
const eventsPerSecond = median(rates);
console.log(`appendEvents: ${Math.round(eventsPerSecond).toLocaleString("en")} events/s (median of ${ROUNDS} x ${TOTAL.toLocaleString("en")} events)`);
rmSync(dir, { recursive: true, force: true });

console.log(
  JSON.stringify({
    bench: "storage",
    n: N,
    ms_per_asset_sqlite: round(sqliteMs),
    ms_per_asset_memory: round(memoryMs),
    events_per_s: Math.round(eventsPerSecond),
    bytes_per_materialization: Math.round(bytesPerMaterialization),
  }),
);

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
