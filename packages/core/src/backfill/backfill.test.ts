import { describe, expect, it } from "vitest";
import { asset } from "../asset.ts";
import { defineDefinitions } from "../definitions.ts";
import { materialize } from "../execution/materialize.ts";
import { dailyPartitions } from "../partitions/index.ts";
import { retryFailedRuns } from "../daemon/run-retry-loop.ts";
import { RunCoordinator } from "../queue/coordinator.ts";
import { inProcessLauncher } from "../queue/in-process-launcher.ts";
import { memoryStorage } from "../storage/index.ts";
import { backfillProgress, cancelBackfill, launchBackfill, resumeBackfill, tickBackfills } from "./backfill.ts";

const days = dailyPartitions({ start: "2024-01-01", end: "2024-03-01" });
const daily = asset({ key: "daily", partitions: days, compute: ({ partitionKey }) => partitionKey });
const ranged = asset({ key: "ranged", partitions: days, backfillPolicy: "single_run", compute: () => 1 });
const plain = asset({ key: "plain", compute: () => 1 });
const definitions = defineDefinitions({ assets: [daily, ranged, plain] });

async function drain(instance: ReturnType<typeof memoryStorage>) {
  const launcher = inProcessLauncher(definitions, instance);
  const coordinator = new RunCoordinator(instance, launcher);
  while ((await coordinator.dequeue()).length > 0) await launcher.drain!();
}

describe("backfills", () => {
  it("queues one run per partition in chunks, reports status per partition and completes once every run succeeded", async () => {
    const instance = memoryStorage();
    const backfill = await launchBackfill(definitions, instance, { selection: "daily", partitions: { range: { start: "2024-01-01", end: "2024-01-30" } }, chunkSize: 7 });
    expect(backfill).toMatchObject({ status: "REQUESTED", submitted: 30 });
    expect(backfill.units).toHaveLength(30);
    const queued = await instance.getQueuedRuns();
    expect(queued.map((r) => r.partitionKey)).toEqual(backfill.units.map((u) => ("partitionKey" in u ? u.partitionKey : "")));
    expect((await backfillProgress(instance, backfill.backfillId)).counts).toEqual({ QUEUED: 30 });
    await drain(instance);
    await tickBackfills(definitions, instance);
    expect((await instance.getBackfill(backfill.backfillId))?.status).toBe("COMPLETED");
    expect((await backfillProgress(instance, backfill.backfillId)).counts).toEqual({ SUCCESS: 30 });
  });

  it("with run retries, waits for the retries loop's verdict on a failed partition before it closes", async () => {
    const instance = memoryStorage();
    const retries = { definitions, instance, policy: { maxRetries: 1, strategy: "from_failure" as const, retryOnStepFailure: true }, log: () => undefined };
    await retryFailedRuns(retries); // the retries loop watches the log from here
    const backfill = await launchBackfill(definitions, instance, { selection: "daily", partitions: { range: { start: "2024-01-01", end: "2024-01-01" } } });
    const [queued] = await instance.getQueuedRuns();
    // The run fails after the daemon's retries loop looked, before its backfills loop does (one pass).
    await instance.transitionRun(queued!.runId, ["QUEUED"], { status: "STARTED" });
    await instance.closeRun(queued!.runId, ["STARTED"], [{ runId: queued!.runId, timestamp: Date.now(), type: "RUN_FAILURE", durationMs: 0, reason: "boom", failedSteps: ["daily"] }], {
      status: "FAILURE",
      endedAt: Date.now(),
    });
    await tickBackfills(definitions, instance, { awaitRetries: true });
    expect((await instance.getBackfill(backfill.backfillId))?.status).toBe("REQUESTED");
    const [decision] = await retryFailedRuns(retries);
    expect(decision).toMatchObject({ runId: queued!.runId, retryRunId: expect.any(String) });
    await drain(instance);
    await tickBackfills(definitions, instance, { awaitRetries: true });
    expect((await instance.getBackfill(backfill.backfillId))?.status).toBe("COMPLETED");
  });

  it("runs a range in one run for backfillPolicy single_run", async () => {
    const instance = memoryStorage();
    const backfill = await launchBackfill(definitions, instance, { selection: "ranged", partitions: { range: { start: "2024-01-01", end: "2024-01-10" } } });
    expect(backfill.units).toEqual([{ partitionRange: { start: "2024-01-01", end: "2024-01-10" } }]);
    expect((await instance.getQueuedRuns())[0]?.partitionRange).toEqual({ start: "2024-01-01", end: "2024-01-10" });
  });

  it("backfills only the missing partitions: never materialized, or whose latest attempt failed", async () => {
    const instance = memoryStorage();
    let failing = "";
    const flaky = asset({ key: "daily", partitions: days, compute: ({ partitionKey }) => {
      if (partitionKey === failing) throw new Error(`no data for ${partitionKey}`);
      return partitionKey;
    } });
    const defs = defineDefinitions({ assets: [flaky] });
    for (const partitionKey of ["2024-01-01", "2024-01-02", "2024-01-03"]) await materialize(defs, { selection: "daily", partitionKey, instance });
    // A later attempt at 2024-01-01 failed: the partition counts as missing again.
    failing = "2024-01-01";
    expect((await materialize(defs, { selection: "daily", partitionKey: failing, instance })).success).toBe(false);
    expect(await instance.getFailedPartitions(["daily"])).toMatchObject([{ assetKey: "daily", partition: "2024-01-01" }]);
    const backfill = await launchBackfill(defs, instance, { selection: "daily", partitions: { missing: true } });
    const keys = backfill.units.map((u) => ("partitionKey" in u ? u.partitionKey : ""));
    expect(keys.slice(0, 2)).toEqual(["2024-01-01", "2024-01-04"]);
    expect(keys).toHaveLength(60 - 2); // 2024-01-01 .. 2024-02-29, less 01-02 and 01-03
  });

  it("cancels its queued runs and resumes the canceled partitions with new runs", async () => {
    const instance = memoryStorage();
    const backfill = await launchBackfill(definitions, instance, { selection: "daily", partitions: { range: { start: "2024-01-01", end: "2024-01-05" } } });
    expect(await cancelBackfill(instance, backfill.backfillId)).toBe("CANCELED");
    expect((await backfillProgress(instance, backfill.backfillId)).counts).toEqual({ CANCELED: 5 });
    expect(await resumeBackfill(definitions, instance, backfill.backfillId)).toBe(5);
    await drain(instance);
    await tickBackfills(definitions, instance);
    expect((await backfillProgress(instance, backfill.backfillId)).counts).toEqual({ SUCCESS: 5 });
    expect((await instance.getBackfill(backfill.backfillId))?.status).toBe("COMPLETED");
  });

  it("finishes a submission that was cut short, without queueing a partition twice", async () => {
    const instance = memoryStorage();
    const backfill = await launchBackfill(definitions, instance, { selection: "daily", partitions: { range: { start: "2024-01-01", end: "2024-01-04" } } });
    await instance.updateBackfill(backfill.backfillId, { submitted: 1 }); // as if the CLI died after the first chunk
    await tickBackfills(definitions, instance);
    expect(await instance.getQueuedRuns()).toHaveLength(4);
  });

  it("refuses a selection without partitioned assets", async () => {
    await expect(launchBackfill(definitions, memoryStorage(), { selection: "plain", partitions: { all: true } })).rejects.toMatchObject({ code: "INVALID_BACKFILL" });
  });
});
