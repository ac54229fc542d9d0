// The storage contract: runs.
import { describe, expect, it } from "vitest";
import type { InstanceStorage } from "../storage.ts";
import { run, materialization, log, withoutIds } from "./storage-contract-fixtures.ts";
import type { StorageHandle } from "./storage-contract.ts";

export function describeRunsContract(handle: StorageHandle): void {
  describe("runs", () => {
    it("reads back a created run with every field", async () => {
      const record = run("r1", {
        status: "STARTED",
        jobName: "daily",
        selection: "a+",
        assetKeys: ["a", "b/c"],
        stepKeys: ["a", "b/c"],
        partitionKey: "2024-01-01",
        partitionRange: { start: "2024-01-01", end: "2024-01-03" },
        tags: { team: "data", "orch/schedule": "nightly" },
        runConfig: { ops: { a: { config: { limit: 5, token: { env: "TOKEN" } } } } },
        parentRunId: "r0",
        rootRunId: "r0",
        startedAt: 1_001,
        statusReason: "because",
      });
      await handle.storage.createRun(record);
      expect(await handle.storage.getRun("r1")).toEqual(record);
      expect(await handle.storage.getRun("missing")).toBeUndefined();
    });

    it("refuses a second run with the same id", async () => {
      await handle.storage.createRun(run("r1"));
      await expect(handle.storage.createRun(run("r1"))).rejects.toMatchObject({ code: "STORAGE_ERROR" });
    });

    it("updates status and times, keeping the other fields", async () => {
      await handle.storage.createRun(run("r1", { tags: { a: "1" } }));
      await handle.storage.updateRun("r1", { status: "STARTED", startedAt: 1_100 });
      await handle.storage.updateRun("r1", { status: "FAILURE", endedAt: 1_200, statusReason: "step a failed" });
      expect(await handle.storage.getRun("r1")).toEqual(
        run("r1", { tags: { a: "1" }, status: "FAILURE", startedAt: 1_100, endedAt: 1_200, statusReason: "step a failed" }),
      );
    });

    it("refuses to update a run that does not exist", async () => {
      await expect(handle.storage.updateRun("ghost", { status: "SUCCESS" })).rejects.toMatchObject({ code: "UNKNOWN_RUN" });
    });

    it("lists runs newest first, 100 by default, and honours limit", async () => {
      for (let i = 0; i < 105; i++) await handle.storage.createRun(run(`r${i}`, { createdAt: 10_000 + i }));
      const all = await handle.storage.listRuns();
      expect(all).toHaveLength(100);
      expect(all[0]?.runId).toBe("r104");
      expect(all[99]?.runId).toBe("r5");
      expect((await handle.storage.listRuns({ limit: 3 })).map((r) => r.runId)).toEqual(["r104", "r103", "r102"]);
    });

    it("filters runs by status, tags, ids and creation time", async () => {
      await handle.storage.createRun(run("old", { createdAt: 100, status: "SUCCESS", tags: { team: "a", env: "prod" } }));
      await handle.storage.createRun(run("mid", { createdAt: 200, status: "FAILURE", tags: { team: "a" } }));
      await handle.storage.createRun(run("new", { createdAt: 300, status: "STARTED", tags: { team: "b", env: "prod" } }));
      const ids = async (filter: Parameters<InstanceStorage["listRuns"]>[0]) =>
        (await handle.storage.listRuns(filter)).map((r) => r.runId);
      expect(await ids({ statuses: ["SUCCESS", "FAILURE"] })).toEqual(["mid", "old"]);
      expect(await ids({ tags: { team: "a" } })).toEqual(["mid", "old"]);
      expect(await ids({ tags: { team: "a", env: "prod" } })).toEqual(["old"]);
      expect(await ids({ tags: { env: "dev" } })).toEqual([]);
      expect(await ids({ createdBefore: 300 })).toEqual(["mid", "old"]);
      expect(await ids({ runIds: ["new", "old", "nope"] })).toEqual(["new", "old"]);
      expect(await ids({ statuses: ["STARTED", "SUCCESS"], createdBefore: 250 })).toEqual(["old"]);
    });

    it("deletes runs with their events and heartbeats, counting only runs that existed", async () => {
      await handle.storage.createRun(run("r1"));
      await handle.storage.createRun(run("r2"));
      await handle.storage.appendEvents([log("r1", "one"), log("r2", "two")]);
      await handle.storage.setHeartbeat("r1", 5);
      expect(await handle.storage.deleteRuns(["r1", "ghost"])).toBe(1);
      expect(await handle.storage.getRun("r1")).toBeUndefined();
      expect(await handle.storage.getEvents("r1")).toEqual([]);
      expect(await handle.storage.getHeartbeat("r1")).toBeUndefined();
      expect(withoutIds(await handle.storage.getEvents("r2"))).toEqual([log("r2", "two")]);
      expect(await handle.storage.deleteRuns([])).toBe(0);
    });

    it("falls back to the previous materialization when the run of the latest one is deleted", async () => {
      await handle.storage.createRun(run("r1"));
      await handle.storage.createRun(run("r2"));
      await handle.storage.appendEvents([materialization("r1", "a")]);
      await handle.storage.appendEvents([materialization("r2", "a")]);
      await handle.storage.deleteRuns(["r2"]);
      const [entry] = await handle.storage.getAssetIndex(["a"]);
      expect(entry?.lastMaterialization?.runId).toBe("r1");
      expect(await handle.storage.getAssetEvents("a", ["ASSET_MATERIALIZATION"])).toHaveLength(1);
      await handle.storage.deleteRuns(["r1"]);
      expect(await handle.storage.getAssetIndex(["a"])).toEqual([]);
    });
  });
}
