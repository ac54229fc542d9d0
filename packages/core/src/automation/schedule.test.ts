import { describe, expect, it } from "vitest";
import { asset } from "../asset.ts";
import { assertBound, defineDefinitions } from "../definitions.ts";
import { dailyPartitions } from "../partitions/index.ts";
import { refusal } from "../refusal.test-support.ts";
import { memoryStorage } from "../storage/index.ts";
import { project } from "./automation.test-support.ts";
import { scheduleTicksBetween } from "./cron.ts";
import { evaluateScheduleTick, schedulePartitions } from "./evaluate-schedule.ts";
import { schedule } from "./schedule.ts";
import { skip } from "./skip.ts";
import { partitionedTarget } from "./targets.ts";

const instance = memoryStorage();
const at = (iso: string) => Date.parse(iso);

describe("schedule ticks", () => {
  it("requests its target with the tick's run key and tags", async () => {
    const nightly = schedule({ name: "nightly_report", cron: "0 3 * * *", target: "report", tags: { team: "bi" }, config: { ops: {} } });
    const definitions = project({ schedules: [nightly] });
    const result = await evaluateScheduleTick(nightly, { scheduledTime: at("2024-05-02T03:00:00Z"), instance, definitions });
    expect(result.error).toBeUndefined();
    expect(result.runRequests).toEqual([
      {
        runKey: "schedule:nightly_report:2024-05-02T03:00:00.000Z",
        target: { selection: "report" },
        tags: { team: "bi", "orch/schedule": "nightly_report", "orch/scheduled-time": "2024-05-02T03:00:00.000Z" },
        config: { ops: {} },
      },
    ]);
    expect(schedulePartitions(nightly, definitions)).toBeUndefined();
  });

  it("targets a job by definition or name", async () => {
    const byName = schedule({ name: "by_name", cron: "@daily", target: { job: "nightly" } });
    const definitions = project({ schedules: [byName] });
    const result = await evaluateScheduleTick(byName, { scheduledTime: at("2024-05-02T00:00:00Z"), instance, definitions });
    expect(result.runRequests[0]!.target).toEqual({ job: "nightly" });
  });

  it("requests the partition the tick closes over daily-partitioned assets (in the partitions' timezone)", async () => {
    const marts = schedule({ name: "marts_daily", cron: "0 1 * * *", timezone: "Europe/Paris", target: "marts/*" });
    const definitions = project({ schedules: [marts] });
    // 01:00 Paris on May 2nd closes the May 1st window.
    const tick = await evaluateScheduleTick(marts, { scheduledTime: at("2024-05-01T23:00:00Z"), instance, definitions });
    expect(tick.runRequests.map((r) => [r.partitionKey, r.runKey])).toEqual([["2024-05-01", "schedule:marts_daily:2024-05-01T23:00:00.000Z"]]);
    expect(schedulePartitions(marts, definitions)?.unit).toBe("day");

    const lagging = schedule({ name: "lagging", cron: "0 1 * * *", timezone: "Europe/Paris", target: partitionedTarget("raw/orders", { offset: 1 }) });
    const withOffset = await evaluateScheduleTick(lagging, { scheduledTime: at("2024-05-01T23:00:00Z"), instance, definitions: project({ schedules: [lagging] }) });
    expect(withOffset.runRequests[0]!.partitionKey).toBe("2024-04-30");
  });

  it("skips a tick before the first partition has closed", async () => {
    const marts = schedule({ name: "marts_daily", cron: "0 1 * * *", timezone: "Europe/Paris", target: "marts/*" });
    const tick = await evaluateScheduleTick(marts, { scheduledTime: at("2024-01-01T00:00:00Z"), instance, definitions: project({ schedules: [marts] }) });
    expect(tick.runRequests).toEqual([]);
    expect(tick.skipReason).toContain("no partition of daily from 2024-01-01");
  });

  it("on the spring-forward night, the 02:30 tick runs at 03:00 and still requests the day before", async () => {
    const ny = dailyPartitions({ start: "2024-03-01", timezone: "America/New_York" });
    const definitions = defineDefinitions({ assets: [asset({ key: "ny_orders", partitions: ny, compute: () => 1 })] });
    const nightly = schedule({ name: "ny_nightly", cron: "30 2 * * *", timezone: "America/New_York", target: "ny_orders" });
    const [tick] = scheduleTicksBetween(nightly, at("2024-03-10T00:00:00-05:00"), at("2024-03-10T12:00:00-04:00"));
    expect(new Date(tick!).toISOString()).toBe("2024-03-10T07:00:00.000Z");
    const result = await evaluateScheduleTick(nightly, { scheduledTime: tick!, instance, definitions });
    expect(result.runRequests.map((r) => [r.partitionKey, r.runKey])).toEqual([["2024-03-09", "schedule:ny_nightly:2024-03-10T07:00:00.000Z"]]);
  });

  it("skips ticks past the partitions' end instead of requesting the last partition again", async () => {
    const definitions = defineDefinitions({ assets: [asset({ key: "march", partitions: dailyPartitions({ start: "2024-03-01", end: "2024-03-08" }), compute: () => 1 })] });
    const daily = schedule({ name: "march_daily", cron: "0 0 * * *", target: "march" });
    const last = await evaluateScheduleTick(daily, { scheduledTime: at("2024-03-08T00:00:00Z"), instance, definitions });
    expect(last.runRequests[0]!.partitionKey).toBe("2024-03-07");
    const after = await evaluateScheduleTick(daily, { scheduledTime: at("2024-03-09T00:00:00Z"), instance, definitions });
    expect(after).toMatchObject({ runRequests: [], skipReason: expect.stringContaining("end before the window this tick closes") });
  });

  it("function form: requests, skips, per-request keys derived from the tick", async () => {
    const nightlyJob = project().jobs.get("nightly")!;
    const fanout = schedule({
      name: "fanout",
      cron: "0 * * * *",
      target: "regions",
      evaluate: (ctx) => {
        ctx.log.info(`tick ${ctx.scheduledTimeIso}`);
        if (new Date(ctx.scheduledTime).getUTCHours() === 0) return skip("midnight: warehouse maintenance");
        return [{ partitionKey: "eu", runKey: "eu" }, { partitionKey: "us" }, { target: "report" }, { target: nightlyJob }];
      },
    });
    const definitions = project({ schedules: [fanout] });
    const skipped = await evaluateScheduleTick(fanout, { scheduledTime: at("2024-05-02T00:00:00Z"), instance, definitions });
    expect(skipped).toMatchObject({ runRequests: [], skipReason: "midnight: warehouse maintenance", logs: [{ level: "info", message: "tick 2024-05-02T00:00:00.000Z" }] });
    const ran = await evaluateScheduleTick(fanout, { scheduledTime: at("2024-05-02T05:00:00Z"), instance, definitions });
    expect(ran.runRequests.map((r) => [r.target, r.partitionKey, r.runKey])).toEqual([
      [{ selection: "regions" }, "eu", "schedule:fanout:2024-05-02T05:00:00.000Z:eu"],
      [{ selection: "regions" }, "us", "schedule:fanout:2024-05-02T05:00:00.000Z:1"],
      [{ selection: "report" }, undefined, "schedule:fanout:2024-05-02T05:00:00.000Z:2"],
      [{ job: "nightly" }, undefined, "schedule:fanout:2024-05-02T05:00:00.000Z:3"],
    ]);
  });

  it("a throwing, invalid or slow function is a failed tick", async () => {
    const definitions = project();
    const failing = schedule({ name: "failing", cron: "@hourly", evaluate: () => { throw new Error("warehouse unreachable"); } });
    expect((await evaluateScheduleTick(failing, { scheduledTime: 0, instance, definitions })).error?.message).toBe("warehouse unreachable");
    const noTarget = schedule({ name: "no_target", cron: "@hourly", evaluate: () => [{ partitionKey: "eu" }] });
    expect((await evaluateScheduleTick(noTarget, { scheduledTime: 0, instance, definitions })).error?.message).toContain('Schedule "no_target" returned a run request (runRequests[0]) without a target');
    const unknown = schedule({ name: "unknown", cron: "@hourly", evaluate: () => ({ target: "nope" }) });
    expect((await evaluateScheduleTick(unknown, { scheduledTime: 0, instance, definitions })).error?.message).toContain('Unknown asset "nope"');
    let aborted = false;
    const slow = schedule({ name: "slow", cron: "@hourly", evaluate: (ctx) => new Promise(() => ctx.signal.addEventListener("abort", () => (aborted = true))) });
    const timedOut = await evaluateScheduleTick(slow, { scheduledTime: 0, instance, definitions, timeoutMs: 5 });
    expect(timedOut.error).toMatchObject({ timedOut: true, message: expect.stringContaining('Schedule "slow" did not finish its evaluation within 5 ms') });
    expect(aborted).toBe(true);
  });
});

describe("schedule validation in defineDefinitions", () => {
  it("refuses targets that match nothing or do not exist", () => {
    expect(refusal(() => project({ schedules: [schedule({ name: "s", cron: "@daily", target: "tag:none=none" })] }))).toMatchObject({
      code: "EMPTY_SELECTION",
      message: expect.stringContaining('Schedule "s" targets "tag:none=none": Selection "tag:none=none" matches no asset'),
    });
    expect(refusal(() => project({ schedules: [schedule({ name: "s", cron: "@daily", target: "reprot" })] }))).toMatchObject({ code: "UNKNOWN_ASSET", message: expect.stringContaining('Did you mean "report"') });
    expect(refusal(() => project({ schedules: [schedule({ name: "s", cron: "@daily", target: { job: "nighty" } })] }))).toMatchObject({
      code: "UNKNOWN_JOB",
      message: '[orch] Schedule "s" targets job "nighty", which is not defined. Defined jobs: nightly. Did you mean "nightly"?',
    });
    expect(refusal(() => project({ schedules: [schedule({ name: "s", cron: "@daily", target: partitionedTarget("regions") })] }))).toMatchObject({ code: "INVALID_PARTITION" });
  });

  it("refuses duplicate names across schedules and sensors, and missing resources", () => {
    const a = schedule({ name: "daily", cron: "@daily", target: "report" });
    expect(refusal(() => project({ schedules: [a, a] }))).toMatchObject({ code: "DUPLICATE_AUTOMATION_NAME", message: expect.stringContaining('Schedule "daily" has the same name as a schedule') });
    const needs = schedule({ name: "needs", cron: "@daily", resources: ["warehouse"], evaluate: () => [] });
    expect(refusal(() => assertBound(project({ schedules: [needs] })))).toMatchObject({ code: "MISSING_RESOURCE", message: expect.stringContaining('Schedule "needs" requires resource "warehouse"') });
  });

  it("exposes the schedules by name", () => {
    const a = schedule({ name: "daily", cron: "@daily", target: "report", defaultStatus: "running", description: "the report" });
    const definitions = project({ schedules: [a] });
    expect(definitions.schedules.get("daily")).toMatchObject({ cron: "@daily", timezone: "UTC", defaultStatus: "running", maxCatchupRuns: 5 });
    expect(definitions.sensors.size).toBe(0);
  });
});
