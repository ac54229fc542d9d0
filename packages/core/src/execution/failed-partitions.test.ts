import { describe, expect, it } from "vitest";
import { asset } from "../asset.ts";
import { defineDefinitions } from "../definitions.ts";
import { multiAsset } from "../multi-asset.ts";
import { dailyPartitions, staticPartitions } from "../partitions/index.ts";
import { memoryStorage } from "../storage/index.ts";
import { materialize } from "./materialize.ts";

describe("a failed partitioned step", () => {
  it("names the asset partitions it left unmaterialized, not the outputs it stored", async () => {
    const regions = staticPartitions(["eu", "us"]);
    const tool = multiAsset({ name: "tool", partitions: regions, outs: { good: { key: "good" }, bad: { key: "bad" } }, compute: () => ({ good: 1 }) });
    const partial = { ...tool, node: { ...tool.node, invoke: async () => ({ outputs: new Map([["good", { value: 1 }]]), failure: new Error("model bad failed") }) } };
    const instance = memoryStorage();
    const result = await materialize(defineDefinitions({ assets: [partial] }), { instance, partitionKey: "eu" });
    expect(result.status).toBe("FAILURE");
    const failure = (await instance.getEvents(result.runId)).find((e) => e.type === "STEP_FAILURE");
    expect(failure).toMatchObject({ stepKey: "tool", failedPartitions: { assetKeys: ["bad"], partitions: ["eu"] } });
    // What it set out to do is on its start, for crash detection should its worker die.
    const start = (await instance.getEvents(result.runId)).find((e) => e.type === "STEP_START");
    expect(start).toMatchObject({ stepKey: "tool", partitions: { assetKeys: ["good", "bad"], partitions: ["eu"] } });
    expect((await instance.getFailedPartitions()).map((f) => `${f.assetKey}:${f.partition}`)).toEqual(["bad:eu"]);
    expect(await instance.getPartitionStatusCounts()).toEqual([
      { assetKey: "bad", materialized: 0, failed: 1 },
      { assetKey: "good", materialized: 1, failed: 0 },
    ]);
  });

  it("fails every partition of a single-run range, and an unpartitioned step names none", async () => {
    const days = dailyPartitions({ start: "2024-01-01", end: "2024-01-10" });
    const ranged = asset({ key: "ranged", partitions: days, backfillPolicy: "single_run", compute: () => {
      throw new Error("warehouse down");
    } });
    const plain = asset({ key: "plain", compute: () => {
      throw new Error("down too");
    } });
    const instance = memoryStorage();
    const definitions = defineDefinitions({ assets: [ranged, plain] });
    await materialize(definitions, { instance, selection: "ranged", partitionRange: { start: "2024-01-02", end: "2024-01-04" } });
    expect((await instance.getFailedPartitions(["ranged"])).map((f) => f.partition)).toEqual(["2024-01-02", "2024-01-03", "2024-01-04"]);
    const unpartitioned = await materialize(definitions, { instance, selection: "plain" });
    const failure = (await instance.getEvents(unpartitioned.runId)).find((e) => e.type === "STEP_FAILURE");
    expect(failure && "failedPartitions" in failure).toBe(false);
    expect(await instance.getFailedPartitions(["plain"])).toEqual([]);
  });
});
