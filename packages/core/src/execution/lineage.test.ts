import { describe, expect, it } from "vitest";
import { asset } from "../asset.ts";
import { defineDefinitions } from "../definitions.ts";
import { memoryIOManager } from "../io/memory-io-manager.ts";
import { staticPartitions } from "../partitions/index.ts";
import { memoryStorage } from "../storage/index.ts";
import { materialize } from "./materialize.ts";

describe("lineage of loaded inputs", () => {
  it("LOADED_INPUT names the run that produced the value, not the run that reads it", async () => {
    const raw = asset({ key: "raw", compute: () => [1, 2] });
    const total = asset({ key: "total", ins: { raw }, compute: ({ ins }) => (ins.raw as number[]).length });
    const defs = defineDefinitions({ assets: [raw, total], ioManagers: { io: memoryIOManager() } });
    const instance = memoryStorage();
    const first = await materialize(defs, { instance, selection: ["raw"] });
    const second = await materialize(defs, { instance, selection: ["total"] });
    expect(second.status).toBe("SUCCESS");
    const [loaded] = await instance.getEvents(second.runId, { types: ["LOADED_INPUT"] });
    expect(loaded).toMatchObject({ inputName: "raw", upstreamRunId: first.runId });

    // Produced within the same run: that run.
    const both = await materialize(defs, { instance, selection: ["raw", "total"] });
    const [inRun] = await instance.getEvents(both.runId, { types: ["LOADED_INPUT"] });
    expect(inRun).toMatchObject({ upstreamRunId: both.runId });
  });

  it("per partition: the run that materialized that partition", async () => {
    const regions = staticPartitions(["eu", "us"]);
    const raw = asset({ key: "raw", partitions: regions, compute: ({ partitionKey }) => partitionKey });
    const upper = asset({ key: "upper", partitions: regions, ins: { raw }, compute: ({ ins }) => String(ins.raw).toUpperCase() });
    const defs = defineDefinitions({ assets: [raw, upper], ioManagers: { io: memoryIOManager() } });
    const instance = memoryStorage();
    const eu = await materialize(defs, { instance, selection: ["raw"], partitionKey: "eu" });
    await materialize(defs, { instance, selection: ["raw"], partitionKey: "us" });
    const read = await materialize(defs, { instance, selection: ["upper"], partitionKey: "eu" });
    expect(read.status).toBe("SUCCESS");
    const [loaded] = await instance.getEvents(read.runId, { types: ["LOADED_INPUT"] });
    expect(loaded).toMatchObject({ upstreamRunId: eu.runId });
  });
});
