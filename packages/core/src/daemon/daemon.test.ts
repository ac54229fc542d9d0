import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { asset } from "../asset.ts";
import { schedule } from "../automation/schedule.ts";
import { sensor } from "../automation/sensor.ts";
import { partitionedTarget } from "../automation/targets.ts";
import { defineDefinitions } from "../definitions.ts";
import { dailyPartitions } from "../partitions/index.ts";
import { enqueueRun } from "../queue/enqueue.ts";
import { FOREGROUND_TAG } from "../queue/foreground-slot.ts";
import { inProcessLauncher } from "../queue/in-process-launcher.ts";
import { memoryStorage } from "../storage/index.ts";
import { manualClock } from "./clock.ts";
import { Daemon } from "./daemon.ts";
import { setInstigatorStatus } from "./instigator-status.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const start = Date.parse("2024-03-10T00:30:00Z");

const report = asset({ key: "report", compute: () => 1 });
const daily = asset({ key: "daily", partitions: dailyPartitions({ start: "2024-01-01" }), compute: () => 1 });

function setup(input: { schedules?: Parameters<typeof defineDefinitions>[0]["schedules"]; sensors?: Parameters<typeof defineDefinitions>[0]["sensors"] }) {
  const definitions = defineDefinitions({ assets: [report, daily], ...input });
  const instance = memoryStorage();
  const clock = manualClock(start);
  const launcher = inProcessLauncher(definitions, instance);
  const daemon = new Daemon({ definitions, instance, launcher, clock, identity: { pid: 1, host: "test" } });
  return { definitions, instance, clock, launcher, daemon };
}

describe("the daemon", () => {
  it("runs a schedule's tick once, launches its run through the queue and records the tick", async () => {
    const { instance, clock, launcher, daemon } = setup({ schedules: [schedule({ name: "hourly", cron: "0 * * * *", target: "report", defaultStatus: "running" })] });
    await daemon.runOnce(); // first sight: starts counting now
    clock.advance(HOUR);
    await daemon.runOnce();
    await daemon.runOnce();
    await launcher.drain!();
    const ticks = await instance.getTicks("hourly");
    expect(ticks).toHaveLength(1);
    expect(ticks[0]).toMatchObject({ status: "success", timestamp: Date.parse("2024-03-10T01:00:00Z") });
    const run = await instance.getRun(ticks[0]!.runIds[0]!);
    expect(run).toMatchObject({ status: "SUCCESS", tags: { "orch/schedule": "hourly" } });
    expect((await instance.getDaemonHeartbeats()).map((h) => h.loop)).toEqual(["backfills", "monitor", "queue", "retries", "scheduler", "sensors"]);
  });

  it("after downtime runs only the latest missed tick of a plain schedule, and catches a partitioned one up to maxCatchupRuns", async () => {
    const { instance, clock, daemon } = setup({
      schedules: [
        schedule({ name: "plain", cron: "0 0 * * *", target: "report", defaultStatus: "running" }),
        schedule({ name: "parts", cron: "0 0 * * *", target: partitionedTarget("daily"), defaultStatus: "running", maxCatchupRuns: 3 }),
      ],
    });
    await daemon.runOnce();
    clock.advance(10 * DAY);
    await daemon.runOnce();
    expect((await instance.getTicks("plain")).map((t) => new Date(t.timestamp).toISOString())).toEqual(["2024-03-20T00:00:00.000Z"]);
    const parts = await instance.getTicks("parts");
    expect(parts).toHaveLength(3);
    const keys = await Promise.all(parts.map(async (t) => (await instance.getRun(t.runIds[0]!))?.partitionKey));
    expect(keys).toEqual(["2024-03-19", "2024-03-18", "2024-03-17"]);
  });

  it("does not launch a tick's run twice when the tick is evaluated again (a restart after a crash)", async () => {
    const { instance, clock, daemon } = setup({ schedules: [schedule({ name: "hourly", cron: "0 * * * *", target: "report", defaultStatus: "running" })] });
    await daemon.runOnce();
    clock.advance(HOUR);
    await daemon.runOnce();
    // Simulate a crash between enqueueing and committing the tick: roll the schedule's state back.
    const state = (await instance.getInstigatorState("hourly"))!;
    await instance.setInstigatorStates([{ ...state, lastTickAt: start }]);
    await daemon.runOnce();
    const ticks = await instance.getTicks("hourly");
    expect(ticks[0]).toMatchObject({ status: "skipped", skippedRunKeys: ["schedule:hourly:2024-03-10T01:00:00.000Z"] });
    expect(await instance.listRuns({ tags: { "orch/schedule": "hourly" } })).toHaveLength(1);
  });

  it("leaves stopped schedules alone and starts counting from when they are started", async () => {
    const { definitions, instance, clock, daemon } = setup({ schedules: [schedule({ name: "hourly", cron: "0 * * * *", target: "report" })] });
    clock.advance(5 * HOUR);
    await daemon.runOnce();
    expect(await instance.getTicks("hourly")).toEqual([]);
    await setInstigatorStatus(definitions, instance, "schedule", "hourly", "running", clock.now());
    clock.advance(HOUR);
    await daemon.runOnce();
    expect(await instance.getTicks("hourly")).toHaveLength(1);
  });

  it("evaluates sensors no more often than their minimum interval, commits cursors, keeps run keys unique and keeps the cursor of a failed tick", async () => {
    let fail = false;
    const files = sensor({
      name: "files",
      target: "report",
      defaultStatus: "running",
      minimumIntervalSeconds: 30,
      evaluate: ({ cursor }) => {
        if (fail) throw new Error("listing failed");
        const next = Number(cursor ?? 0) + 1;
        return { runRequests: [{ runKey: "same-file" }], cursor: String(next) };
      },
    });
    const { instance, clock, daemon } = setup({ sensors: [files] });
    await daemon.runOnce();
    await daemon.runOnce(); // within the interval: not evaluated
    clock.advance(30_000);
    await daemon.runOnce();
    fail = true;
    clock.advance(30_000);
    await daemon.runOnce();
    const ticks = await instance.getTicks("files");
    expect(ticks.map((t) => t.status)).toEqual(["failure", "skipped", "success"]);
    expect(ticks[0]).toMatchObject({ cursorBefore: "2", error: { message: expect.stringContaining("listing failed") } });
    expect(ticks[1]).toMatchObject({ cursorBefore: "1", cursorAfter: "2", skippedRunKeys: ["same-file"] });
    expect((await instance.getInstigatorState("files"))?.cursor).toBe("2");
    expect(await instance.listRuns({ tags: { "orch/sensor": "files" } })).toHaveLength(1);
  });

  it("refuses a second daemon on the instance, naming the first", async () => {
    const { definitions, instance, launcher, daemon, clock } = setup({});
    await daemon.acquire();
    const second = new Daemon({ definitions, instance, launcher, clock, identity: { pid: 2, host: "other" } });
    await expect(second.acquire()).rejects.toMatchObject({ code: "DAEMON_ALREADY_RUNNING", message: expect.stringMatching(/pid 1 on test, last heartbeat 0\.0 s ago/) });
  });

  it("takes over the lock of a daemon on this host whose process is gone", async () => {
    const { definitions, instance, launcher, clock } = setup({});
    const dead = new Daemon({ definitions, instance, launcher, clock, identity: { pid: 2 ** 22 + 12345, host: "box" } });
    await dead.acquire();
    const next = new Daemon({ definitions, instance, launcher, clock, identity: { pid: process.pid, host: "box" } });
    await next.acquire();
    expect((await instance.getDaemonLock())?.daemonId).toBe(next.daemonId);
  });

  it("runs until stopped: the queue fills each freed slot, the pass in progress finishes, the lock is released", async () => {
    const definitions = defineDefinitions({ assets: [report] });
    const instance = memoryStorage();
    const launcher = inProcessLauncher(definitions, instance);
    const daemon = new Daemon({ definitions, instance, launcher, limits: { maxConcurrentRuns: 1 }, intervalMs: 20 });
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await enqueueRun(definitions, instance, { selection: "report" })).runId);
    const controller = new AbortController();
    const running = daemon.run(controller.signal);
    for (;;) {
      const statuses = await Promise.all(ids.map(async (id) => (await instance.getRun(id))?.status));
      if (statuses.every((status) => status === "SUCCESS")) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    controller.abort();
    await running;
    expect(await instance.getDaemonLock()).toBeUndefined();
  });

  it("cancels a queued foreground run whose command is gone", async () => {
    const { definitions, instance, daemon } = setup({});
    const gone = `${2 ** 22 + 12345}@${hostname()}`;
    const { runId } = await enqueueRun(definitions, instance, { selection: "report", tags: { [FOREGROUND_TAG]: gone } });
    const { runId: live } = await enqueueRun(definitions, instance, { selection: "report", tags: { [FOREGROUND_TAG]: `${process.pid}@${hostname()}` } });
    await daemon.runOnce();
    expect(await instance.getRun(runId)).toMatchObject({ status: "CANCELED", statusReason: expect.stringContaining("is gone") });
    expect((await instance.getRun(live))?.status).toBe("QUEUED");
  });
});
