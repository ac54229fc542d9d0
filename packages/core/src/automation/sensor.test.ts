import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import type { OrchEvent } from "../events.ts";
import { refusal } from "../refusal.test-support.ts";
import type { RunRecord } from "../run-record.ts";
import { memoryStorage } from "../storage/index.ts";
import { assetSensor } from "./asset-sensor.ts";
import { project } from "./automation.test-support.ts";
import { evaluateSensorTick } from "./evaluate-sensor.ts";
import { runStatusSensor } from "./run-status-sensor.ts";
import { sensor } from "./sensor.ts";
import { skip } from "./skip.ts";

const NOW = Date.parse("2024-05-02T12:00:00Z");

function tickOptions(definitions: ReturnType<typeof project>, instance = memoryStorage(), cursor?: string) {
  return { cursor, lastTickAt: undefined, now: NOW, instance, definitions };
}

function run(runId: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return { runId, status: "SUCCESS", assetKeys: ["report"], stepKeys: ["report"], tags: {}, runConfig: {}, createdAt: 1, ...overrides };
}

function materialized(runId: string, key: string, partition?: string): OrchEvent {
  return { type: "ASSET_MATERIALIZATION", runId, timestamp: NOW, assetKey: key.split("/"), metadata: {}, ...(partition ? { partition } : {}) };
}

describe("sensor", () => {
  it("passes cursor, last tick and now; returns requests, a new cursor and dynamic partitions", async () => {
    const files = sensor({
      name: "files",
      target: "report",
      evaluate: (ctx) => {
        const seen = Number(ctx.cursor ?? 0);
        return {
          runRequests: [{ runKey: `file-${seen + 1}`, tags: { file: String(seen + 1) } }],
          cursor: String(seen + 1),
          dynamicPartitions: { add: { files: [`f${seen + 1}`] } },
        };
      },
    });
    const definitions = project({ sensors: [files] });
    const first = await evaluateSensorTick(files, tickOptions(definitions, memoryStorage(), "41"));
    expect(first).toEqual({
      runRequests: [{ runKey: "file-42", target: { selection: "report" }, tags: { file: "42", "orch/sensor": "files" } }],
      cursor: "42",
      dynamicPartitions: { add: { files: ["f42"] } },
      logs: [],
    });
    expect(definitions.sensors.get("files")).toMatchObject({ sensorKind: "plain", minimumIntervalSeconds: 30, defaultStatus: "stopped" });
  });

  it("returning nothing or a skip is a skipped tick that keeps the cursor", async () => {
    const idle = sensor({ name: "idle", evaluate: () => undefined });
    const definitions = project({ sensors: [idle] });
    expect(await evaluateSensorTick(idle, tickOptions(definitions))).toEqual({ runRequests: [], skipReason: "the sensor requested no runs", logs: [] });
    const skipping = sensor({ name: "skipping", evaluate: () => skip("bucket empty") });
    expect(await evaluateSensorTick(skipping, tickOptions(definitions))).toMatchObject({ runRequests: [], skipReason: "bucket empty" });
  });

  it("a throw or a timeout fails the tick: error recorded, no cursor, no requests", async () => {
    const definitions = project();
    const throwing = sensor({ name: "throwing", target: "report", evaluate: (ctx) => { ctx.log.warn("about to fail"); throw new TypeError("bad listing"); } });
    const failed = await evaluateSensorTick(throwing, tickOptions(definitions, memoryStorage(), "7"));
    expect(failed).toMatchObject({ runRequests: [], error: { name: "TypeError", message: "bad listing" }, logs: [{ level: "warn", message: "about to fail" }] });
    expect(failed.cursor).toBeUndefined();

    const hanging = sensor({ name: "hanging", target: "report", evaluate: () => new Promise(() => {}) });
    const timedOut = await evaluateSensorTick(hanging, { ...tickOptions(definitions), timeoutMs: 5 });
    expect(timedOut.error).toMatchObject({ timedOut: true });
    expect(timedOut.cursor).toBeUndefined();

    const stop = new AbortController();
    stop.abort(new Error("daemon stopping"));
    expect((await evaluateSensorTick(hanging, { ...tickOptions(definitions), signal: stop.signal })).error?.message).toBe("daemon stopping");
  });

  it("leaves no listener on the daemon's signal after its evaluations", async () => {
    const definitions = project();
    const quick = sensor({ name: "quick", target: "report", evaluate: () => [{ runKey: "k" }] });
    const daemonSignal = new AbortController().signal;
    for (let i = 0; i < 3; i++) await evaluateSensorTick(quick, { ...tickOptions(definitions), signal: daemonSignal });
    expect(getEventListeners(daemonSignal, "abort")).toHaveLength(0);
  });

  it("refuses malformed dynamic partitions and request targets as a failed tick", async () => {
    const definitions = project();
    const listNotRecord = sensor({ name: "list", evaluate: () => ({ dynamicPartitions: { add: ["f1"] as never } }) });
    expect((await evaluateSensorTick(listNotRecord, tickOptions(definitions))).error?.message).toContain(
      'Sensor "list" returned dynamicPartitions.add that is not an object of partitions names',
    );
    const badKeys = sensor({ name: "keys", evaluate: () => ({ dynamicPartitions: { delete: { files: [1] as never } } }) });
    expect((await evaluateSensorTick(badKeys, tickOptions(definitions))).error?.message).toContain("dynamicPartitions.delete.files that is not a list of strings");
    const badTarget = sensor({ name: "target", evaluate: () => [{ target: { selection: "report" } as never }] });
    expect((await evaluateSensorTick(badTarget, tickOptions(definitions))).error?.message).toContain("whose target is neither a selection string, a job nor { job");
  });

  it("reads the instance through a read-only view", async () => {
    const definitions = project();
    const instance = memoryStorage();
    await instance.createRun(run("r1"));
    let seen: unknown;
    const reader = sensor({
      name: "reader",
      evaluate: async (ctx) => {
        seen = { run: (await ctx.instance.getRun("r1"))?.runId, canWrite: "createRun" in ctx.instance || "setState" in ctx.instance };
      },
    });
    await evaluateSensorTick(reader, tickOptions(definitions, instance));
    expect(seen).toEqual({ run: "r1", canWrite: false });
  });

  it("refuses bad definitions", () => {
    expect(refusal(() => sensor({ name: "bad name!", evaluate: () => undefined })).code).toBe("INVALID_DEFINITION");
    expect(refusal(() => sensor({ name: "s", minimumIntervalSeconds: 0, evaluate: () => undefined })).message).toContain("minimumIntervalSeconds must be a positive number");
    expect(refusal(() => project({ sensors: [sensor({ name: "s", target: { job: "nope" }, evaluate: () => undefined })] })).code).toBe("UNKNOWN_JOB");
  });
});

describe("assetSensor", () => {
  it("fires once per batch of new materializations of its assets; the cursor is the last event id", async () => {
    const onOrders = assetSensor({ name: "on_orders", assets: ["raw/orders"], target: "report" });
    const definitions = project({ sensors: [onOrders] });
    const instance = memoryStorage();
    const empty = await evaluateSensorTick(onOrders, tickOptions(definitions, instance));
    expect(empty).toMatchObject({ runRequests: [], skipReason: "no new materialization of raw/orders" });

    await instance.appendEvents([materialized("r1", "raw/orders", "2024-05-01"), materialized("r1", "report"), materialized("r2", "raw/orders", "2024-05-02")]);
    const fired = await evaluateSensorTick(onOrders, tickOptions(definitions, instance));
    const events = await instance.getEventsAfter({ afterId: 0 });
    expect(fired.runRequests).toEqual([{ runKey: `materialization:${events[2]!.id}`, target: { selection: "report" }, tags: { "orch/sensor": "on_orders" } }]);
    expect(fired.cursor).toBe(String(events[2]!.id));

    const again = await evaluateSensorTick(onOrders, tickOptions(definitions, instance, fired.cursor));
    expect(again).toMatchObject({ runRequests: [], skipReason: "no new materialization of raw/orders" });
  });

  it("hands the new materializations to a handler", async () => {
    const perPartition = assetSensor({
      name: "per_partition",
      assets: ["raw/orders"],
      target: "marts/revenue",
      handler: (_ctx, events) => events.map((e) => ({ runKey: `orders:${e.id}`, ...(e.type === "ASSET_MATERIALIZATION" && e.partition ? { partitionKey: e.partition } : {}) })),
    });
    const definitions = project({ sensors: [perPartition] });
    const instance = memoryStorage();
    await instance.appendEvents([materialized("r1", "raw/orders", "2024-05-01"), materialized("r2", "raw/orders", "2024-05-02")]);
    const fired = await evaluateSensorTick(perPartition, tickOptions(definitions, instance));
    expect(fired.runRequests.map((r) => r.partitionKey)).toEqual(["2024-05-01", "2024-05-02"]);
  });

  it("refuses unknown watched assets", () => {
    expect(refusal(() => project({ sensors: [assetSensor({ name: "s", assets: ["raw/order"], target: "report" })] }))).toMatchObject({
      code: "UNKNOWN_ASSET",
      message: expect.stringContaining('Sensor "s" watches asset "raw/order", which is not defined. Did you mean "raw/orders"?'),
    });
  });
});

describe("runStatusSensor", () => {
  async function finish(instance: ReturnType<typeof memoryStorage>, record: RunRecord, type: "RUN_SUCCESS" | "RUN_FAILURE") {
    // As a run does: its end event is written while it runs, then its final status (the storage fences finished runs).
    await instance.createRun({ ...record, status: "STARTED" });
    const end: OrchEvent = type === "RUN_SUCCESS" ? { type, runId: record.runId, timestamp: NOW, durationMs: 1 } : { type, runId: record.runId, timestamp: NOW, durationMs: 1, reason: "step failed", failedSteps: ["report"] };
    await instance.appendEvents([end]);
    await instance.updateRun(record.runId, { status: record.status });
  }

  it("starts at the end of the log, then handles each finished run once, across restarts", async () => {
    const handled: string[] = [];
    const onFailure = runStatusSensor({ name: "on_failure", status: "FAILURE", handler: ({ run, event }) => { handled.push(`${run.runId}:${event.type}`); } });
    const definitions = project({ sensors: [onFailure] });
    const instance = memoryStorage();
    await finish(instance, run("old", { status: "FAILURE" }), "RUN_FAILURE");

    const first = await evaluateSensorTick(onFailure, tickOptions(definitions, instance));
    expect(first.cursor).toBe(String(await instance.getLatestEventId()));
    expect(handled).toEqual([]);

    await finish(instance, run("ok"), "RUN_SUCCESS");
    await finish(instance, run("broken", { status: "FAILURE" }), "RUN_FAILURE");
    const second = await evaluateSensorTick(onFailure, tickOptions(definitions, instance, first.cursor));
    expect(handled).toEqual(["broken:RUN_FAILURE"]);
    // A restarted daemon evaluates a fresh definition from the committed cursor: nothing is handled twice.
    const restarted = runStatusSensor({ name: "on_failure", status: "FAILURE", handler: ({ run }) => { handled.push(`again:${run.runId}`); } });
    await evaluateSensorTick(restarted, tickOptions(definitions, instance, second.cursor));
    expect(handled).toEqual(["broken:RUN_FAILURE"]);
  });

  it("handles only monitored jobs or selections, and may request runs", async () => {
    const seen: string[] = [];
    const downstream = runStatusSensor({
      name: "after_nightly",
      status: ["SUCCESS"],
      monitored: { jobs: ["nightly"] },
      target: "marts/revenue",
      handler: ({ run }) => { seen.push(run.runId); return [{ runKey: `after:${run.runId}`, partitionKey: "2024-05-01" }]; },
    });
    const bySelection = runStatusSensor({ name: "orders_done", status: "SUCCESS", monitored: "raw/*", handler: ({ run }) => { seen.push(`sel:${run.runId}`); } });
    const definitions = project({ sensors: [downstream, bySelection] });
    const instance = memoryStorage();
    await finish(instance, run("job_run", { jobName: "nightly" }), "RUN_SUCCESS");
    await finish(instance, run("orders_run", { assetKeys: ["raw/orders"] }), "RUN_SUCCESS");
    const result = await evaluateSensorTick(downstream, tickOptions(definitions, instance, "0"));
    expect(result.runRequests).toEqual([{ runKey: "after:job_run", target: { selection: "marts/revenue" }, partitionKey: "2024-05-01", tags: { "orch/sensor": "after_nightly" } }]);
    await evaluateSensorTick(bySelection, tickOptions(definitions, instance, "0"));
    expect(seen).toEqual(["job_run", "sel:orders_run"]);
    expect(definitions.sensors.get("after_nightly")).toMatchObject({ sensorKind: "run_status", minimumIntervalSeconds: 5, runStatus: { statuses: ["SUCCESS"], monitored: { jobs: ["nightly"] } } });
  });

  it("a failing handler fails the tick but commits the runs handled before it", async () => {
    const calls: string[] = [];
    const flaky = runStatusSensor({ name: "flaky", status: "SUCCESS", handler: ({ run }) => { calls.push(run.runId); if (run.runId === "b") throw new Error("slack down"); } });
    const definitions = project({ sensors: [flaky] });
    const instance = memoryStorage();
    await finish(instance, run("a"), "RUN_SUCCESS");
    await finish(instance, run("b"), "RUN_SUCCESS");
    const events = await instance.getEventsAfter({ afterId: 0 });
    const failed = await evaluateSensorTick(flaky, tickOptions(definitions, instance, "0"));
    expect(failed.error?.message).toBe("slack down");
    expect(failed.cursor).toBe(String(events[0]!.id));
    await evaluateSensorTick(flaky, tickOptions(definitions, instance, failed.cursor));
    expect(calls).toEqual(["a", "b", "b"]);
  });

  it("refuses unknown monitored jobs", () => {
    expect(refusal(() => project({ sensors: [runStatusSensor({ name: "s", status: "FAILURE", monitored: { jobs: ["nighty"] }, handler: () => undefined })] })).message).toContain('Sensor "s" (monitored) targets job "nighty"');
  });
});
