// Automation on one SQLite instance: 1,000 schedules and 1,000 trivial sensors due on the same tick (daemon loop
// cost per schedule / sensor, lateness of each run request after its scheduled time); 1,000 queued trivial runs
// drained by the daemon with maxConcurrentRuns 8 through the in-process launcher, and a smaller batch through the
// process launcher (a real `orch daemon`, one child process per run); a 10,000-partition backfill submitted.
// Baselines in the same run: enqueueRuns of the same number of prebuilt records (the storage's floor).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  asset,
  Daemon,
  dailyPartitions,
  defineDefinitions,
  enqueueRun,
  inProcessLauncher,
  launchBackfill,
  memoryIOManager,
  schedule,
  sensor,
  type Clock,
  type InstanceStorage,
  type RunRecord,
} from "@orch/core";
import { sqliteStorage } from "@orch/sqlite";

const SCHEDULES = 1_000;
const SENSORS = 1_000;
const QUEUE_RUNS = 1_000;
const PROCESS_RUNS = Number(process.env.AUTOMATION_PROCESS_RUNS ?? 24);
const BACKFILL = 10_000;
const MAX_CONCURRENT = 8;

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "orch-bench-automation-"));
let dbCount = 0;
const freshDb = () => sqliteStorage({ path: join(dir, `bench-${++dbCount}.db`) });

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const trivial = asset({ key: "trivial", compute: () => 1 });

async function waitUntil(probe: () => Promise<boolean>): Promise<void> {
  while (!(await probe())) await new Promise((r) => setTimeout(r, 20));
}

// --- ticks: 1,000 schedules and 1,000 sensors due on the same tick -------------------------------------------
const minute = Math.floor(Date.now() / 60_000) * 60_000 + 60_000;
const defs = defineDefinitions({
  assets: [trivial],
  schedules: Array.from({ length: SCHEDULES }, (_, i) => schedule({ name: `s${i}`, cron: "* * * * *", target: "trivial", defaultStatus: "running" })),
  sensors: Array.from({ length: SENSORS }, (_, i) =>
    sensor({ name: `n${i}`, target: "trivial", defaultStatus: "running", evaluate: ({ cursor }) => ({ runRequests: [{ runKey: `k${cursor ?? 0}` }], cursor: String(Number(cursor ?? 0) + 1) }) }),
  ),
});
const tickInstance = freshDb();
await tickInstance.setInstigatorStates([...defs.schedules.keys()].map((name) => ({ name, kind: "schedule" as const, lastTickAt: minute - 60_000, updatedAt: 0 })));
// The daemon's clock starts exactly at the scheduled minute and then runs in real time: lateness is real.
const t0 = performance.now();
const clock: Clock = { now: () => minute + Math.round(performance.now() - t0), sleep: async () => undefined };
const launcher = inProcessLauncher(defs, tickInstance);
const schedulerDaemon = new Daemon({ definitions: defs, instance: tickInstance, launcher, clock, loops: ["scheduler"] });
let started = performance.now();
await schedulerDaemon.runOnce();
const scheduleMs = performance.now() - started;
const scheduled = await tickInstance.listRuns({ limit: SCHEDULES * 2 });
if (scheduled.length !== SCHEDULES) throw new Error(`expected ${SCHEDULES} schedule runs, got ${scheduled.length}`);
const lateness = scheduled.map((run) => run.createdAt - minute);
const sensorDaemon = new Daemon({ definitions: defs, instance: tickInstance, launcher, clock, loops: ["sensors"] });
started = performance.now();
await sensorDaemon.runOnce();
const sensorMs = performance.now() - started;
if ((await tickInstance.getQueuedRuns()).length !== SCHEDULES + SENSORS) throw new Error("sensor runs missing");
await tickInstance.close();
console.log(
  `ticks: ${SCHEDULES} schedules in ${scheduleMs.toFixed(0)} ms (${(scheduleMs / SCHEDULES).toFixed(3)} ms each), ${SENSORS} sensors in ${sensorMs.toFixed(0)} ms, lateness p99 ${percentile(lateness, 99)} ms`,
);

// Baseline: the same number of prebuilt runs through one enqueueRuns write each (what a tick cannot go below).
const baselineInstance = freshDb();
const template: RunRecord = { runId: "", status: "QUEUED", assetKeys: ["trivial"], stepKeys: ["trivial"], tags: {}, runConfig: {}, createdAt: Date.now() };
started = performance.now();
for (let i = 0; i < SCHEDULES; i++) await baselineInstance.enqueueRuns([{ run: { ...template, runId: `b${i}` }, runKey: { instigator: "b", key: String(i) } }]);
const baselineEnqueueMs = (performance.now() - started) / SCHEDULES;
await baselineInstance.close();
console.log(`baseline: enqueueRuns of one prebuilt run ${baselineEnqueueMs.toFixed(3)} ms`);

// --- the queue, in-process launcher ----------------------------------------------------------------------------
async function drainQueue(instance: InstanceStorage, runIds: readonly string[], startDaemon: () => { stop: () => Promise<void> }) {
  const begin = performance.now();
  const daemon = startDaemon();
  await waitUntil(async () => (await instance.listRuns({ statuses: ["SUCCESS", "FAILURE", "CANCELED"], limit: runIds.length })).length === runIds.length);
  const seconds = (performance.now() - begin) / 1000;
  await daemon.stop();
  const runs = await instance.listRuns({ runIds, limit: runIds.length });
  const failed = runs.filter((r) => r.status !== "SUCCESS");
  if (failed.length) throw new Error(`${failed.length} runs did not succeed: ${failed[0]!.statusReason}`);
  const startDelays = runs.map((r) => r.startedAt! - r.createdAt);
  return { perSecond: runIds.length / seconds, startP99: percentile(startDelays, 99) };
}

const queueDefs = defineDefinitions({ assets: [trivial] });
const queueInstance = freshDb();
const queued: string[] = [];
for (let i = 0; i < QUEUE_RUNS; i++) queued.push((await enqueueRun(queueDefs, queueInstance, { selection: "trivial" })).runId);
const inProcess = await drainQueue(queueInstance, queued, () => {
  const controller = new AbortController();
  const daemon = new Daemon({
    definitions: queueDefs,
    instance: queueInstance,
    launcher: inProcessLauncher(queueDefs, queueInstance, { defaultIOManager: memoryIOManager(), heartbeatMs: 60_000 }),
    limits: { maxConcurrentRuns: MAX_CONCURRENT },
    loops: ["queue"],
  });
  const running = daemon.run(controller.signal);
  return { stop: async () => (controller.abort(), await running) };
});
await queueInstance.close();
console.log(`queue, in-process launcher: ${QUEUE_RUNS} runs, ${inProcess.perSecond.toFixed(1)} runs/s, enqueue-to-start p99 ${inProcess.startP99} ms`);

// --- the queue, process launcher: a real `orch daemon`, one child process per run --------------------------------
const project = join(dir, "project");
const repoRoot = resolve(here, "../../..");
mkdirSync(project, { recursive: true });
symlinkSync(join(repoRoot, "node_modules"), join(project, "node_modules"), "dir");
writeFileSync(join(project, "defs.ts"), `import { asset, defineDefinitions } from "@orch/core";\nexport default defineDefinitions({ assets: [asset({ key: "trivial", compute: () => 1 })] });\n`);
writeFileSync(join(project, "orch.yaml"), `module: ./defs.ts\nruns:\n  maxConcurrent: ${MAX_CONCURRENT}\ndaemon:\n  intervalMs: 1000\n`);
const processInstance = sqliteStorage({ path: join(project, ".orch", "orch.db") });
const processRuns: string[] = [];
for (let i = 0; i < PROCESS_RUNS; i++) processRuns.push((await enqueueRun(queueDefs, processInstance, { selection: "trivial" })).runId);
const viaProcess = await drainQueue(processInstance, processRuns, () => {
  const { ORCH_HOME: _home, ...env } = process.env;
  const child = spawn(process.execPath, [join(repoRoot, "packages/cli/bin/orch.js"), "daemon"], { cwd: project, stdio: ["ignore", "ignore", "inherit"], env });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return { stop: async () => (child.kill("SIGTERM"), await exited, undefined) };
});
await processInstance.close();
console.log(`queue, process launcher: ${PROCESS_RUNS} runs, ${viaProcess.perSecond.toFixed(1)} runs/s, enqueue-to-start p99 ${viaProcess.startP99} ms`);

// --- a 10,000-partition backfill ---------------------------------------------------------------------------------
const days = dailyPartitions({ start: "1990-01-01" });
const daily = asset({ key: "daily", partitions: days, compute: () => 1 });
const backfillDefs = defineDefinitions({ assets: [daily] });
const end = new Date(Date.parse("1990-01-01T00:00:00Z") + (BACKFILL - 1) * 86_400_000).toISOString().slice(0, 10);
const backfillInstance = freshDb();
started = performance.now();
const backfill = await launchBackfill(backfillDefs, backfillInstance, { selection: "daily", partitions: { range: { start: "1990-01-01", end } } });
const backfillMs = performance.now() - started;
if (backfill.units.length !== BACKFILL || (await backfillInstance.getQueuedRuns()).length !== BACKFILL) throw new Error("backfill incomplete");
await backfillInstance.close();
const baselineBackfill = freshDb();
started = performance.now();
await baselineBackfill.enqueueRuns(Array.from({ length: BACKFILL }, (_, i) => ({ run: { ...template, runId: `p${i}`, partitionKey: String(i) } })));
const baselineBackfillMs = performance.now() - started;
await baselineBackfill.close();
console.log(`backfill: ${BACKFILL} partitions submitted in ${backfillMs.toFixed(0)} ms (baseline: one enqueueRuns of ${BACKFILL} prebuilt runs ${baselineBackfillMs.toFixed(0)} ms)`);

rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    bench: "automation",
    schedules: SCHEDULES,
    sensors: SENSORS,
    tick_ms_per_schedule: Number((scheduleMs / SCHEDULES).toFixed(3)),
    tick_ms_per_sensor: Number((sensorMs / SENSORS).toFixed(3)),
    tick_lateness_p99_ms: percentile(lateness, 99),
    baseline_enqueue_ms_per_run: Number(baselineEnqueueMs.toFixed(3)),
    queue_runs: QUEUE_RUNS,
    max_concurrent_runs: MAX_CONCURRENT,
    queue_runs_per_s: Number(inProcess.perSecond.toFixed(1)),
    queue_start_p99_ms: inProcess.startP99,
    process_queue_runs: PROCESS_RUNS,
    process_queue_runs_per_s: Number(viaProcess.perSecond.toFixed(2)),
    process_queue_start_p99_ms: viaProcess.startP99,
    backfill_partitions: BACKFILL,
    backfill_10k_submit_ms: Math.round(backfillMs),
    baseline_backfill_enqueue_ms: Math.round(baselineBackfillMs),
  }),
);
