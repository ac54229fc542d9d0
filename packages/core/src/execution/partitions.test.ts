import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { asset } from "../asset.ts";
import { defineDefinitions } from "../definitions.ts";
import { fsIOManager } from "../io/fs-io-manager.ts";
import { memoryIOManager } from "../io/memory-io-manager.ts";
import { dailyPartitions, dynamicPartitions, staticPartitions, timeWindowMapping } from "../partitions/index.ts";
import { memoryStorage } from "../storage/index.ts";
import { materialize } from "./materialize.ts";

const daily = dailyPartitions({ start: "2024-01-01", end: "2024-02-01" });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "orch-partitions-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("partitioned runs", () => {
  it("gives the step its partition and time window, stores one file per partition, and maps identity inputs to values", async () => {
    const seen: unknown[] = [];
    const orders = asset({ key: "orders", partitions: daily, compute: ({ partitionKey, timeWindow }) => ({ day: partitionKey, window: timeWindow }) });
    const summary = asset({
      key: "summary",
      partitions: daily,
      ins: { orders },
      compute: ({ ins, partitionKey }) => {
        seen.push(ins.orders);
        return `${partitionKey}: ${JSON.stringify(ins.orders)}`;
      },
    });
    const defs = defineDefinitions({ assets: [orders, summary], ioManagers: { io: fsIOManager({ baseDir: dir }) } });
    const instance = memoryStorage();
    for (const day of ["2024-01-02", "2024-01-03"]) {
      const result = await materialize(defs, { instance, partitionKey: day });
      expect(result.status).toBe("SUCCESS");
    }
    expect(seen[0]).toEqual({ day: "2024-01-02", window: { start: "2024-01-02T00:00:00Z", end: "2024-01-03T00:00:00Z" } });
    expect((await readdir(join(dir, "orders", "@partitions"))).sort()).toEqual(["2024-01-02.json", "2024-01-03.json"]);
    const index = await instance.getAssetIndex(["orders"], { byPartition: true });
    expect(index.map((e) => e.partition).sort()).toEqual(["2024-01-02", "2024-01-03"]);
  });

  it("reads a previous-day partition through a time-window mapping and all partitions into an unpartitioned asset", async () => {
    const io = memoryIOManager();
    const orders = asset({ key: "orders", partitions: daily, compute: ({ partitionKey }) => partitionKey!.slice(-2) });
    const dayOverDay = asset({
      key: "day_over_day",
      partitions: daily,
      ins: { yesterday: { asset: orders, partitionMapping: timeWindowMapping({ startOffset: -1, endOffset: -1 }) } },
      compute: ({ ins }) => [...(ins.yesterday as unknown as Map<string, string>).entries()],
    });
    const total = asset({ key: "total", ins: { orders }, compute: ({ ins }) => [...(ins.orders as unknown as Map<string, string>).keys()] });
    const defs = defineDefinitions({ assets: [orders, dayOverDay, total] });
    const instance = memoryStorage();
    await materialize(defs, { instance, selection: "orders", partitionRange: { start: "2024-01-01", end: "2024-01-03" }, defaultIOManager: io });
    const r = await materialize(defs, { instance, selection: "day_over_day", partitionKey: "2024-01-03", defaultIOManager: io, listeners: [] });
    expect(r.status).toBe("SUCCESS");
    const events = await instance.getEvents(r.runId);
    expect(events.find((e) => e.type === "LOADED_INPUT")).toMatchObject({ inputName: "yesterday" });
    // An unpartitioned downstream reads every existing upstream partition as a Map (here: all of January).
    const t = await materialize(defs, { instance, selection: "total", defaultIOManager: io });
    expect(t.status).toBe("FAILURE");
    const failure = (await instance.getEvents(t.runId)).find((e) => e.type === "STEP_FAILURE");
    expect(failure?.type === "STEP_FAILURE" && failure.error.message).toContain('reads asset "orders" partition "2024-01-04"');
  });

  it("runs a range as one step per partition, or as one step when the asset asks for single runs", async () => {
    const perPartition = asset({ key: "per_partition", partitions: daily, compute: ({ partitionKey }) => partitionKey });
    const singleRun = asset({
      key: "single_run",
      partitions: daily,
      backfillPolicy: "single_run",
      compute: ({ partitionKeys }) => new Map(partitionKeys!.map((k) => [k, k.length])),
    });
    const instance = memoryStorage();
    const result = await materialize(defineDefinitions({ assets: [perPartition, singleRun] }), {
      instance,
      partitionRange: { start: "2024-01-05", end: "2024-01-07" },
    });
    expect(result.status).toBe("SUCCESS");
    expect(result.run.stepKeys).toEqual(["per_partition[2024-01-05]", "per_partition[2024-01-06]", "per_partition[2024-01-07]", "single_run"]);
    const mats = (await instance.getEvents(result.runId)).filter((e) => e.type === "ASSET_MATERIALIZATION" && e.stepKey === "single_run");
    expect(mats.map((e) => e.type === "ASSET_MATERIALIZATION" && e.partition)).toEqual(["2024-01-05", "2024-01-06", "2024-01-07"]);
  });

  it("refuses a partitioned selection without a partition, and unknown keys naming the asset", async () => {
    const orders = asset({ key: "orders", partitions: daily, compute: () => 1 });
    const defs = defineDefinitions({ assets: [orders] });
    await expect(materialize(defs)).rejects.toThrowError('Asset "orders" is partitioned (');
    await expect(materialize(defs, { partitionKey: "2023-12-31" })).rejects.toThrowError(/Asset "orders": partition "2023-12-31" does not exist/i);
  });

  it("refuses incompatible partitionings at definition time, naming both assets", () => {
    const regions = staticPartitions(["eu", "us"]);
    const orders = asset({ key: "orders", partitions: daily, compute: () => 1 });
    const byRegion = asset({ key: "by_region", partitions: regions, ins: { orders }, compute: () => 1 });
    expect(() => defineDefinitions({ assets: [orders, byRegion] })).toThrowError(/Asset "by_region" cannot read "orders"/);
  });

  it("reads dynamic partition keys from the instance", async () => {
    const customers = dynamicPartitions("customers");
    const report = asset({ key: "customer_report", partitions: customers, compute: ({ partitionKey }) => `report for ${partitionKey}` });
    const defs = defineDefinitions({ assets: [report] });
    const instance = memoryStorage();
    await expect(materialize(defs, { instance, partitionKey: "acme" })).rejects.toThrowError(/Asset "customer_report": partition "acme" does not exist/i);
    await instance.addDynamicPartitions("customers", ["acme", "globex"]);
    expect((await materialize(defs, { instance, partitionKey: "acme" })).status).toBe("SUCCESS");
  });
});
