/**
 * The example from docs/concepts/automation.md. Run it with
 * `node --conditions=@orch/source docs/concepts/examples/automation.example.ts`;
 * packages/core/src/automation/docs-example.test.ts runs it in CI and checks what it returns.
 */
import {
  Daemon,
  asset,
  assetSensor,
  dailyPartitions,
  defineDefinitions,
  evaluateSensorTick,
  inProcessLauncher,
  isOrchError,
  job,
  manualClock,
  memoryStorage,
  previewSchedule,
  previewSensor,
  runStatusSensor,
  schedule,
  scheduleTicksBetween,
  sensor,
  setInstigatorStatus,
  skip,
} from "@orch/core";

const daily = dailyPartitions({ start: "2024-03-01", timezone: "America/New_York" });
const orders = asset({ key: ["raw", "orders"], partitions: daily, compute: ({ partitionKey }) => ({ day: partitionKey }) });
const revenue = asset({ key: ["marts", "revenue"], partitions: daily, deps: [orders], compute: () => 42 });
const report = asset({ key: "report", compute: () => "ok" });
const nightly = job({ name: "nightly_report", selection: "report" });

// A plain schedule over daily-partitioned assets: each tick requests the partition it closes.
const martsDaily = schedule({ name: "marts_daily", cron: "30 2 * * *", timezone: "America/New_York", target: "+marts/revenue" });

// The function form: computes its requests per tick, or skips.
const weekdays = schedule({
  name: "weekday_report",
  cron: "0 9 * * *",
  target: nightly,
  evaluate: ({ scheduledTime }) => ([0, 6].includes(new Date(scheduledTime).getUTCDay()) ? skip("weekend") : [{ tags: { audience: "sales" } }]),
});

// A sensor keeps a cursor between ticks; a run key launches at most one run, ever.
const landedFiles = ["orders-0301.csv", "orders-0302.csv"];
const files = sensor({
  name: "landed_files",
  target: "raw/orders",
  minimumIntervalSeconds: 60,
  evaluate: ({ cursor }) => {
    const fresh = landedFiles.slice(Number(cursor ?? 0));
    if (fresh.length === 0) return skip("no new file");
    return {
      runRequests: fresh.map((name) => ({ runKey: name, partitionKey: `2024-03-${name.slice(9, 11)}` })),
      cursor: String(landedFiles.length),
    };
  },
});

const onOrders = assetSensor({ name: "on_orders", assets: ["raw/orders"], target: "report" });
const alerts: string[] = [];
const onFailure = runStatusSensor({ name: "on_failure", status: "FAILURE", handler: ({ run }) => void alerts.push(run.runId) });

export const definitions = defineDefinitions({
  assets: [orders, revenue, report],
  jobs: [nightly],
  schedules: [martsDaily, weekdays],
  sensors: [files, onOrders, onFailure],
});

export async function runAutomationExample() {
  const instance = memoryStorage();
  const at = (iso: string) => Date.parse(iso);

  // Ticks around the spring-forward night: 02:30 does not exist on March 10th and runs at 03:00.
  const ticks = scheduleTicksBetween(martsDaily, at("2024-03-09T00:00:00-05:00"), at("2024-03-11T12:00:00-04:00")).map((t) => new Date(t).toISOString());

  // Preview = evaluate without launching or committing anything (`orch schedule preview`, `orch sensor preview`).
  const marts = await previewSchedule(definitions, "marts_daily", { instance, at: at("2024-03-05T00:00:00-05:00") });
  const saturday = await previewSchedule(definitions, "weekday_report", { instance, at: at("2024-03-09T00:00:00Z") });
  const firstFiles = await previewSensor(definitions, "landed_files", { instance });
  const laterFiles = await previewSensor(definitions, "landed_files", { instance, cursor: firstFiles.cursor! });

  // An asset sensor fires on materializations recorded in the instance by any run.
  await instance.appendEvents([{ type: "ASSET_MATERIALIZATION", runId: "r1", timestamp: 0, assetKey: ["raw", "orders"], partition: "2024-03-01", metadata: {} }]);
  const onOrdersTick = await evaluateSensorTick(onOrders, { cursor: undefined, lastTickAt: undefined, now: 0, instance, definitions });

  // Definitions refuse a bad cron with the field and its column.
  let badCron = "";
  try {
    schedule({ name: "typo", cron: "0 25 * * *", target: "report" });
  } catch (error) {
    if (isOrchError(error)) badCron = `${error.code}: ${error.message}`;
  }

  return {
    ticks,
    marts: marts.runRequests.map((r) => ({ runKey: r.runKey, partitionKey: r.partitionKey, target: r.target })),
    saturday: saturday.skipReason,
    firstFiles: firstFiles.runRequests.map((r) => [r.runKey, r.partitionKey]),
    laterFiles: laterFiles.skipReason,
    onOrders: onOrdersTick.runRequests.map((r) => r.target),
    badCron,
  };
}

/** The daemon with a clock that moves only when told to: a day of ticks in milliseconds. */
export async function runDaemonExample() {
  const instance = memoryStorage();
  const clock = manualClock(Date.parse("2024-03-04T12:00:00-05:00"));
  const launcher = inProcessLauncher(definitions, instance);
  const daemon = new Daemon({ definitions, instance, launcher, clock, limits: { maxConcurrentRuns: 2 } });
  await setInstigatorStatus(definitions, instance, "schedule", "marts_daily", "running", clock.now()); // orch schedule start

  clock.advance(24 * 3_600_000); // past 02:30 on March 5th
  await daemon.runOnce(); // scheduler: the tick enqueues its run; queue: the run starts
  await daemon.runOnce(); // nothing new is due: the same tick never runs twice
  await launcher.drain!();

  const ticks = await instance.getTicks("marts_daily");
  const run = await instance.getRun(ticks[0]!.runIds[0]!);
  return {
    ticks: ticks.map((t) => ({ status: t.status, at: new Date(t.timestamp).toISOString() })),
    run: { status: run?.status, partitionKey: run?.partitionKey, schedule: run?.tags["orch/schedule"] },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify({ ...(await runAutomationExample()), daemon: await runDaemonExample() }, null, 2));
