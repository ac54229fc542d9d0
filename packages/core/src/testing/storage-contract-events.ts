// The storage contract: the event log and the asset index.
import { describe, expect, it } from "vitest";
import type { OrchEvent, StoredEvent } from "../events.ts";
import { materialization, observation, checkEvaluation, log, withoutIds } from "./storage-contract-fixtures.ts";
import type { StorageHandle } from "./storage-contract.ts";

export function describeEventLogContract(handle: StorageHandle): void {
  describe("event log", () => {
    it("stores events in order with increasing ids, across calls and runs", async () => {
      const first = [log("r1", "a"), log("r2", "b"), log("r1", "c")];
      await handle.storage.appendEvents(first);
      await handle.storage.appendEvents([log("r1", "d")]);
      const events = await handle.storage.getEvents("r1");
      expect(withoutIds(events)).toEqual([first[0], first[2], log("r1", "d")]);
      const ids = events.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(3);
      const [other] = await handle.storage.getEvents("r2");
      expect(other!.id).toBeGreaterThan(ids[0]!);
      expect(other!.id).toBeLessThan(ids[1]!);
    });

    it("keeps every event of concurrent appends, each batch in its own order", async () => {
      const batches = Array.from({ length: 20 }, (_, b) => [log("r1", `${b}-0`), log("r1", `${b}-1`)]);
      await Promise.all(batches.map((batch) => handle.storage.appendEvents(batch)));
      const messages = (await handle.storage.getEvents("r1")).map((e) => (e.type === "LOG" ? e.message : ""));
      expect(messages).toHaveLength(40);
      for (let b = 0; b < 20; b++) expect(messages.indexOf(`${b}-0`)).toBeLessThan(messages.indexOf(`${b}-1`));
    });

    it("round-trips every field of structured events", async () => {
      const events: OrchEvent[] = [
        { type: "RUN_START", runId: "r1", timestamp: 1, stepKeys: ["a", "b"], partitionKey: "p1" },
        { type: "STEP_START", runId: "r1", timestamp: 2, stepKey: "a", attempt: 1 },
        {
          type: "STEP_FAILURE",
          runId: "r1",
          timestamp: 3,
          stepKey: "a",
          durationMs: 12.5,
          attempt: 2,
          error: { name: "OrchError", message: "boom", code: "STEP_FAILED", cause: { name: "Error", message: "root" } },
        },
        {
          type: "HANDLED_OUTPUT",
          runId: "r1",
          timestamp: 4,
          stepKey: "a",
          outputName: "result",
          ioManager: "fs",
          metadata: { path: { type: "path", value: "/tmp/a" }, nested: { list: [1, "two", null, true] } },
        },
        {
          type: "ASSET_MATERIALIZATION",
          runId: "r1",
          timestamp: 5,
          stepKey: "x/y",
          assetKey: ["x", "y"],
          partition: "2024-01-01",
          metadata: { rows: 10 },
          dataVersion: "v1",
          codeVersion: "c1",
        },
        { type: "LOG", runId: "r1", timestamp: 6, level: "warn", message: "üñíçødé \u0000 and \"quotes\"" },
        { type: "RUN_FAILURE", runId: "r1", timestamp: 7, durationMs: 6, reason: "a failed", failedSteps: ["a"] },
      ];
      await handle.storage.appendEvents(events);
      expect(withoutIds(await handle.storage.getEvents("r1"))).toEqual(events);
    });

    it("tails with afterId and filters by type and limit", async () => {
      await handle.storage.appendEvents([log("r1", "1"), materialization("r1", "a"), log("r1", "2"), log("r1", "3")]);
      const all = await handle.storage.getEvents("r1");
      const afterFirst = await handle.storage.getEvents("r1", { afterId: all[0]!.id });
      expect(afterFirst.map((e) => e.id)).toEqual(all.slice(1).map((e) => e.id));
      expect(await handle.storage.getEvents("r1", { afterId: all[3]!.id })).toEqual([]);
      const logs = await handle.storage.getEvents("r1", { types: ["LOG"], limit: 2 });
      expect(logs.map((e) => (e.type === "LOG" ? e.message : ""))).toEqual(["1", "2"]);
      const tail = await handle.storage.getEvents("r1", { afterId: all[1]!.id, types: ["LOG"], limit: 1 });
      expect(tail.map((e) => e.id)).toEqual([all[2]!.id]);
      expect(await handle.storage.getEvents("nobody")).toEqual([]);
    });

    it("accepts an empty batch", async () => {
      await handle.storage.appendEvents([]);
      expect(await handle.storage.getEvents("r1")).toEqual([]);
    });
  });

  describe("asset index", () => {
    it("keeps the latest materialization and observation of each asset", async () => {
      await handle.storage.appendEvents([materialization("r1", "a", undefined, 1), materialization("r1", "b/c")]);
      await handle.storage.appendEvents([materialization("r2", "a", undefined, 2), observation("r2", "a")]);
      const index = await handle.storage.getAssetIndex();
      expect(index.map((e) => e.assetKey).sort()).toEqual(["a", "b/c"]);
      const a = index.find((e) => e.assetKey === "a")!;
      expect(a.partition).toBeNull();
      expect(a.lastMaterialization).toMatchObject({ runId: "r2", timestamp: 2, type: "ASSET_MATERIALIZATION" });
      expect(a.lastObservation).toMatchObject({ runId: "r2", type: "ASSET_OBSERVATION" });
      const bc = index.find((e) => e.assetKey === "b/c")!;
      expect(bc.lastMaterialization?.type === "ASSET_MATERIALIZATION" && bc.lastMaterialization.assetKey).toEqual(["b", "c"]);
      expect(bc.lastObservation).toBeUndefined();
    });

    it("reads back the stored event with its id", async () => {
      await handle.storage.appendEvents([materialization("r1", "a")]);
      const [stored] = await handle.storage.getEvents("r1");
      const [entry] = await handle.storage.getAssetIndex(["a"]);
      expect(entry?.lastMaterialization).toEqual(stored);
    });

    it("selects assets by key and omits unknown ones", async () => {
      await handle.storage.appendEvents([materialization("r1", "a"), materialization("r1", "b")]);
      expect((await handle.storage.getAssetIndex(["b", "zzz"])).map((e) => e.assetKey)).toEqual(["b"]);
      expect(await handle.storage.getAssetIndex([])).toEqual([]);
    });

    it("indexes partitions separately when asked", async () => {
      await handle.storage.appendEvents([
        materialization("r1", "p", "2024-01-01"),
        materialization("r2", "p", "2024-01-02"),
        materialization("r3", "p", "2024-01-01"),
        observation("r4", "p", "2024-01-03"),
      ]);
      const overall = await handle.storage.getAssetIndex(["p"]);
      expect(overall).toHaveLength(1);
      expect(overall[0]?.lastMaterialization?.runId).toBe("r3");
      const byPartition = await handle.storage.getAssetIndex(["p"], { byPartition: true });
      const summary = byPartition
        .map((e) => [e.partition, e.lastMaterialization?.runId ?? null, e.lastObservation?.runId ?? null])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
      expect(summary).toEqual([
        ["2024-01-01", "r3", null],
        ["2024-01-02", "r2", null],
        ["2024-01-03", null, "r4"],
      ]);
    });

    it("does not index check evaluations or other events as materializations", async () => {
      await handle.storage.appendEvents([checkEvaluation("r1", "a", true), log("r1", "hello")]);
      expect(await handle.storage.getAssetIndex(["a"])).toEqual([]);
    });

    it("returns asset events newest first, filtered by type, partition and limit", async () => {
      await handle.storage.appendEvents([
        materialization("r1", "a", "p1", 1),
        checkEvaluation("r1", "a", false),
        materialization("r2", "a", "p2", 2),
        observation("r2", "a", "p1"),
        materialization("r3", "a", "p1", 3),
        materialization("r3", "other", "p1", 4),
      ]);
      const mats = await handle.storage.getAssetEvents("a", ["ASSET_MATERIALIZATION"]);
      expect(mats.map((e) => e.timestamp)).toEqual([3, 2, 1]);
      const ascending = await handle.storage.getAssetEvents("a", ["ASSET_MATERIALIZATION"], { descending: false, limit: 2 });
      expect(ascending.map((e) => e.timestamp)).toEqual([1, 2]);
      const p1 = await handle.storage.getAssetEvents("a", ["ASSET_MATERIALIZATION", "ASSET_OBSERVATION"], { partition: "p1" });
      expect(p1.map((e) => e.type)).toEqual(["ASSET_MATERIALIZATION", "ASSET_OBSERVATION", "ASSET_MATERIALIZATION"]);
      const checks = await handle.storage.getAssetEvents("a", ["ASSET_CHECK_EVALUATION"]);
      expect(withoutIds(checks)).toEqual([checkEvaluation("r1", "a", false)]);
      expect(await handle.storage.getAssetEvents("a", ["ASSET_MATERIALIZATION"], { limit: 1 })).toHaveLength(1);
      expect(await handle.storage.getAssetEvents("nothing", ["ASSET_MATERIALIZATION"])).toEqual([]);
    });

    it("wipes an asset's history but keeps the events in their run's log", async () => {
      await handle.storage.appendEvents([materialization("r1", "a"), checkEvaluation("r1", "a", true), materialization("r1", "b")]);
      await handle.storage.wipeAsset("a");
      expect((await handle.storage.getAssetIndex()).map((e) => e.assetKey)).toEqual(["b"]);
      expect(await handle.storage.getAssetEvents("a", ["ASSET_MATERIALIZATION", "ASSET_CHECK_EVALUATION"])).toEqual([]);
      expect(await handle.storage.getEvents("r1")).toHaveLength(3);
      await handle.storage.appendEvents([materialization("r2", "a")]);
      const [entry] = await handle.storage.getAssetIndex(["a"]);
      expect(entry?.lastMaterialization?.runId).toBe("r2");
      expect(await handle.storage.getAssetEvents("a", ["ASSET_MATERIALIZATION"])).toHaveLength(1);
    });
  });
}
