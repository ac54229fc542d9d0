// The storage contract: heartbeats, dynamic partitions, key/value state and closing.
import { describe, expect, it } from "vitest";
import { run, materialization, log } from "./storage-contract-fixtures.ts";
import type { StorageHandle, StorageContractOptions } from "./storage-contract.ts";

export function describeStateContract(handle: StorageHandle, options: StorageContractOptions): void {
  describe("small state", () => {
    it("keeps the latest heartbeat per run", async () => {
      expect(await handle.storage.getHeartbeat("r1")).toBeUndefined();
      await handle.storage.setHeartbeat("r1", 100);
      await handle.storage.setHeartbeat("r1", 200);
      await handle.storage.setHeartbeat("r2", 150);
      expect(await handle.storage.getHeartbeat("r1")).toBe(200);
      expect(await handle.storage.getHeartbeat("r2")).toBe(150);
    });

    it("refuses dynamic partition keys that could not be stored or addressed, naming the set", async () => {
      await expect(handle.storage.addDynamicPartitions("customers", ["ok", "a|b"])).rejects.toThrowError(/Dynamic partitions "customers"/);
      expect(await handle.storage.getDynamicPartitions("customers")).toEqual([]);
    });

    it("adds dynamic partitions in order, ignoring duplicates, and deletes them", async () => {
      expect(await handle.storage.getDynamicPartitions("customers")).toEqual([]);
      await handle.storage.addDynamicPartitions("customers", ["acme", "globex"]);
      await handle.storage.addDynamicPartitions("customers", ["globex", "initech", "initech"]);
      await handle.storage.addDynamicPartitions("regions", ["eu"]);
      expect(await handle.storage.getDynamicPartitions("customers")).toEqual(["acme", "globex", "initech"]);
      await handle.storage.deleteDynamicPartition("customers", "globex");
      await handle.storage.deleteDynamicPartition("customers", "unknown");
      expect(await handle.storage.getDynamicPartitions("customers")).toEqual(["acme", "initech"]);
      expect(await handle.storage.getDynamicPartitions("regions")).toEqual(["eu"]);
    });

    it("gets, sets, overwrites and deletes state per namespace", async () => {
      expect(await handle.storage.getState("sensor", "cursor")).toBeUndefined();
      await handle.storage.setState("sensor", "cursor", "1");
      await handle.storage.setState("sensor", "cursor", "2");
      await handle.storage.setState("schedule", "cursor", "x");
      await handle.storage.setState("sensor", "", "");
      expect(await handle.storage.getState("sensor", "cursor")).toBe("2");
      expect(await handle.storage.getState("schedule", "cursor")).toBe("x");
      expect(await handle.storage.getState("sensor", "")).toBe("");
      await handle.storage.setState("sensor", "cursor", undefined);
      expect(await handle.storage.getState("sensor", "cursor")).toBeUndefined();
      expect(await handle.storage.getState("schedule", "cursor")).toBe("x");
    });
  });

  describe("close", () => {
    it("closes once, tolerates a second close and refuses later use", async () => {
      await handle.storage.close();
      await handle.storage.close();
      await expect(handle.storage.getRun("r1")).rejects.toMatchObject({ code: "STORAGE_ERROR" });
      await expect(handle.storage.appendEvents([log("r1", "late")])).rejects.toMatchObject({ code: "STORAGE_ERROR" });
    });

    if (options.reopen !== undefined) {
      const reopen = options.reopen;
      it("reads everything back after closing and reopening", async () => {
        await handle.storage.createRun(run("r1", { status: "STARTED" }));
        await handle.storage.appendEvents([materialization("r1", "a", "p1"), log("r1", "done")]);
        await handle.storage.updateRun("r1", { status: "SUCCESS" });
        await handle.storage.setHeartbeat("r1", 9);
        await handle.storage.addDynamicPartitions("d", ["k"]);
        await handle.storage.setState("ns", "k", "v");
        const events = await handle.storage.getEvents("r1");
        await handle.storage.close();
        handle.storage = await reopen(handle.storage);
        expect(await handle.storage.getRun("r1")).toEqual(run("r1", { status: "SUCCESS" }));
        expect(await handle.storage.getEvents("r1")).toEqual(events);
        expect((await handle.storage.getAssetIndex(["a"], { byPartition: true }))[0]?.lastMaterialization).toEqual(events[0]);
        expect(await handle.storage.getHeartbeat("r1")).toBe(9);
        expect(await handle.storage.getDynamicPartitions("d")).toEqual(["k"]);
        expect(await handle.storage.getState("ns", "k")).toBe("v");
      });
    }
  });
}
