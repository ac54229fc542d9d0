import { describe, expect, it } from "vitest";
import { describeStorageContract } from "../testing/storage-contract.ts";
import { memoryStorage } from "./memory-storage.ts";

describeStorageContract("memory", () => memoryStorage());

describe("memoryStorage", () => {
  it("appends 10,000 materializations of distinct assets quickly (O(batch) writes)", async () => {
    const storage = memoryStorage();
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) {
      await storage.appendEvents([
        { type: "ASSET_MATERIALIZATION", runId: "r1", timestamp: i, assetKey: [`asset_${i}`], metadata: {} },
      ]);
    }
    const elapsed = performance.now() - started;
    expect((await storage.getAssetIndex()).length).toBe(10_000);
    expect(await storage.getEvents("r1", { afterId: 9_999 })).toHaveLength(1);
    // Generous bound: a quadratic index would take seconds here.
    expect(elapsed).toBeLessThan(1_000);
  });

  it("keeps instances independent", async () => {
    const one = memoryStorage();
    const two = memoryStorage();
    await one.setState("ns", "k", "v");
    expect(await two.getState("ns", "k")).toBeUndefined();
  });
});
