import { describe, expect, it } from "vitest";
import { describeStorageContract } from "../testing/storage-contract.ts";
import { memoryStorage } from "./memory-storage.ts";

describeStorageContract("memory", () => memoryStorage());

describe("memoryStorage", () => {
  it("indexes 10,000 materializations of distinct assets appended one by one, and tails them by id", async () => {
    const storage = memoryStorage();
    for (let i = 0; i < 10_000; i++) {
      await storage.appendEvents([
        { type: "ASSET_MATERIALIZATION", runId: "r1", timestamp: i, assetKey: [`asset_${i}`], metadata: {} },
      ]);
    }
    const index = await storage.getAssetIndex();
    expect(index).toHaveLength(10_000);
    expect(new Set(index.map((entry) => entry.assetKey)).size).toBe(10_000);
    expect(index.every((entry) => entry.lastMaterialization?.type === "ASSET_MATERIALIZATION")).toBe(true);
    expect(await storage.getEvents("r1", { afterId: 9_999 })).toHaveLength(1);
    expect(await storage.getEvents("r1", { afterId: 10_000 })).toHaveLength(0);
  });

  it("keeps instances independent", async () => {
    const one = memoryStorage();
    const two = memoryStorage();
    await one.setState("ns", "k", "v");
    expect(await two.getState("ns", "k")).toBeUndefined();
  });
});
