import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OrchEvent, StoredEvent } from "../events.ts";
import type { RunRecord } from "../run-record.ts";
import type { InstanceStorage } from "../storage.ts";

export interface StorageContractOptions {
  /**
   * Opens the same instance again after `close()` (persistent storages): the suite then checks that what was
   * written before closing is read back after reopening. Called with the storage `make()` returned.
   */
  readonly reopen?: (closed: InstanceStorage) => Promise<InstanceStorage> | InstanceStorage;
}

function run(runId: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return { runId, status: "QUEUED", assetKeys: ["a"], stepKeys: ["a"], tags: {}, runConfig: {}, createdAt: 1_000, ...overrides };
}

function materialization(runId: string, assetKey: string, partition?: string, timestamp = 2_000): OrchEvent {
  return {
    type: "ASSET_MATERIALIZATION",
    runId,
    timestamp,
    stepKey: assetKey,
    assetKey: assetKey.split("/"),
    metadata: { rows: 3 },
    ...(partition === undefined ? {} : { partition }),
  };
}

function observation(runId: string, assetKey: string, partition?: string): OrchEvent {
  return {
    type: "ASSET_OBSERVATION",
    runId,
    timestamp: 2_000,
    assetKey: assetKey.split("/"),
    metadata: {},
    ...(partition === undefined ? {} : { partition }),
  };
}

function checkEvaluation(runId: string, assetKey: string, passed: boolean): OrchEvent {
  return {
    type: "ASSET_CHECK_EVALUATION",
    runId,
    timestamp: 2_000,
    assetKey: assetKey.split("/"),
    checkName: "not_empty",
    passed,
    severity: "error",
    blocking: false,
    metadata: {},
  };
}

function log(runId: string, message: string): OrchEvent {
  return { type: "LOG", runId, timestamp: 2_000, level: "info", message };
}

/** Strips the ids storage assigned so events compare with what was appended. */
function withoutIds(events: readonly StoredEvent[]): OrchEvent[] {
  return events.map(({ id: _id, ...event }) => event as OrchEvent);
}

/**
 * The behaviour every `InstanceStorage` must have, as a vitest suite. Run it first in each storage's tests:
 * `describeStorageContract("sqlite", () => sqliteStorage({ path }))`. Each test gets a fresh, empty storage.
 */
export function describeStorageContract(
  name: string,
  make: () => Promise<InstanceStorage> | InstanceStorage,
  options: StorageContractOptions = {},
): void {
  describe(`InstanceStorage contract: ${name}`, () => {
    let storage: InstanceStorage;
    beforeEach(async () => {
      storage = await make();
    });
    afterEach(async () => {
      await storage.close();
    });

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
        await storage.createRun(record);
        expect(await storage.getRun("r1")).toEqual(record);
        expect(await storage.getRun("missing")).toBeUndefined();
      });

      it("refuses a second run with the same id", async () => {
        await storage.createRun(run("r1"));
        await expect(storage.createRun(run("r1"))).rejects.toMatchObject({ code: "STORAGE_ERROR" });
      });

      it("updates status and times, keeping the other fields", async () => {
        await storage.createRun(run("r1", { tags: { a: "1" } }));
        await storage.updateRun("r1", { status: "STARTED", startedAt: 1_100 });
        await storage.updateRun("r1", { status: "FAILURE", endedAt: 1_200, statusReason: "step a failed" });
        expect(await storage.getRun("r1")).toEqual(
          run("r1", { tags: { a: "1" }, status: "FAILURE", startedAt: 1_100, endedAt: 1_200, statusReason: "step a failed" }),
        );
      });

      it("refuses to update a run that does not exist", async () => {
        await expect(storage.updateRun("ghost", { status: "SUCCESS" })).rejects.toMatchObject({ code: "UNKNOWN_RUN" });
      });

      it("lists runs newest first, 100 by default, and honours limit", async () => {
        for (let i = 0; i < 105; i++) await storage.createRun(run(`r${i}`, { createdAt: 10_000 + i }));
        const all = await storage.listRuns();
        expect(all).toHaveLength(100);
        expect(all[0]?.runId).toBe("r104");
        expect(all[99]?.runId).toBe("r5");
        expect((await storage.listRuns({ limit: 3 })).map((r) => r.runId)).toEqual(["r104", "r103", "r102"]);
      });

      it("filters runs by status, tags, ids and creation time", async () => {
        await storage.createRun(run("old", { createdAt: 100, status: "SUCCESS", tags: { team: "a", env: "prod" } }));
        await storage.createRun(run("mid", { createdAt: 200, status: "FAILURE", tags: { team: "a" } }));
        await storage.createRun(run("new", { createdAt: 300, status: "STARTED", tags: { team: "b", env: "prod" } }));
        const ids = async (filter: Parameters<InstanceStorage["listRuns"]>[0]) =>
          (await storage.listRuns(filter)).map((r) => r.runId);
        expect(await ids({ statuses: ["SUCCESS", "FAILURE"] })).toEqual(["mid", "old"]);
        expect(await ids({ tags: { team: "a" } })).toEqual(["mid", "old"]);
        expect(await ids({ tags: { team: "a", env: "prod" } })).toEqual(["old"]);
        expect(await ids({ tags: { env: "dev" } })).toEqual([]);
        expect(await ids({ createdBefore: 300 })).toEqual(["mid", "old"]);
        expect(await ids({ runIds: ["new", "old", "nope"] })).toEqual(["new", "old"]);
        expect(await ids({ statuses: ["STARTED", "SUCCESS"], createdBefore: 250 })).toEqual(["old"]);
      });

      it("deletes runs with their events and heartbeats, counting only runs that existed", async () => {
        await storage.createRun(run("r1"));
        await storage.createRun(run("r2"));
        await storage.appendEvents([log("r1", "one"), log("r2", "two")]);
        await storage.setHeartbeat("r1", 5);
        expect(await storage.deleteRuns(["r1", "ghost"])).toBe(1);
        expect(await storage.getRun("r1")).toBeUndefined();
        expect(await storage.getEvents("r1")).toEqual([]);
        expect(await storage.getHeartbeat("r1")).toBeUndefined();
        expect(withoutIds(await storage.getEvents("r2"))).toEqual([log("r2", "two")]);
        expect(await storage.deleteRuns([])).toBe(0);
      });

      it("falls back to the previous materialization when the run of the latest one is deleted", async () => {
        await storage.createRun(run("r1"));
        await storage.createRun(run("r2"));
        await storage.appendEvents([materialization("r1", "a")]);
        await storage.appendEvents([materialization("r2", "a")]);
        await storage.deleteRuns(["r2"]);
        const [entry] = await storage.getAssetIndex(["a"]);
        expect(entry?.lastMaterialization?.runId).toBe("r1");
        expect(await storage.getAssetEvents("a", ["ASSET_MATERIALIZATION"])).toHaveLength(1);
        await storage.deleteRuns(["r1"]);
        expect(await storage.getAssetIndex(["a"])).toEqual([]);
      });
    });

    describe("event log", () => {
      it("stores events in order with increasing ids, across calls and runs", async () => {
        const first = [log("r1", "a"), log("r2", "b"), log("r1", "c")];
        await storage.appendEvents(first);
        await storage.appendEvents([log("r1", "d")]);
        const events = await storage.getEvents("r1");
        expect(withoutIds(events)).toEqual([first[0], first[2], log("r1", "d")]);
        const ids = events.map((e) => e.id);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        expect(new Set(ids).size).toBe(3);
        const [other] = await storage.getEvents("r2");
        expect(other!.id).toBeGreaterThan(ids[0]!);
        expect(other!.id).toBeLessThan(ids[1]!);
      });

      it("keeps every event of concurrent appends, each batch in its own order", async () => {
        const batches = Array.from({ length: 20 }, (_, b) => [log("r1", `${b}-0`), log("r1", `${b}-1`)]);
        await Promise.all(batches.map((batch) => storage.appendEvents(batch)));
        const messages = (await storage.getEvents("r1")).map((e) => (e.type === "LOG" ? e.message : ""));
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
        await storage.appendEvents(events);
        expect(withoutIds(await storage.getEvents("r1"))).toEqual(events);
      });

      it("tails with afterId and filters by type and limit", async () => {
        await storage.appendEvents([log("r1", "1"), materialization("r1", "a"), log("r1", "2"), log("r1", "3")]);
        const all = await storage.getEvents("r1");
        const afterFirst = await storage.getEvents("r1", { afterId: all[0]!.id });
        expect(afterFirst.map((e) => e.id)).toEqual(all.slice(1).map((e) => e.id));
        expect(await storage.getEvents("r1", { afterId: all[3]!.id })).toEqual([]);
        const logs = await storage.getEvents("r1", { types: ["LOG"], limit: 2 });
        expect(logs.map((e) => (e.type === "LOG" ? e.message : ""))).toEqual(["1", "2"]);
        const tail = await storage.getEvents("r1", { afterId: all[1]!.id, types: ["LOG"], limit: 1 });
        expect(tail.map((e) => e.id)).toEqual([all[2]!.id]);
        expect(await storage.getEvents("nobody")).toEqual([]);
      });

      it("accepts an empty batch", async () => {
        await storage.appendEvents([]);
        expect(await storage.getEvents("r1")).toEqual([]);
      });
    });

    describe("asset index", () => {
      it("keeps the latest materialization and observation of each asset", async () => {
        await storage.appendEvents([materialization("r1", "a", undefined, 1), materialization("r1", "b/c")]);
        await storage.appendEvents([materialization("r2", "a", undefined, 2), observation("r2", "a")]);
        const index = await storage.getAssetIndex();
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
        await storage.appendEvents([materialization("r1", "a")]);
        const [stored] = await storage.getEvents("r1");
        const [entry] = await storage.getAssetIndex(["a"]);
        expect(entry?.lastMaterialization).toEqual(stored);
      });

      it("selects assets by key and omits unknown ones", async () => {
        await storage.appendEvents([materialization("r1", "a"), materialization("r1", "b")]);
        expect((await storage.getAssetIndex(["b", "zzz"])).map((e) => e.assetKey)).toEqual(["b"]);
        expect(await storage.getAssetIndex([])).toEqual([]);
      });

      it("indexes partitions separately when asked", async () => {
        await storage.appendEvents([
          materialization("r1", "p", "2024-01-01"),
          materialization("r2", "p", "2024-01-02"),
          materialization("r3", "p", "2024-01-01"),
          observation("r4", "p", "2024-01-03"),
        ]);
        const overall = await storage.getAssetIndex(["p"]);
        expect(overall).toHaveLength(1);
        expect(overall[0]?.lastMaterialization?.runId).toBe("r3");
        const byPartition = await storage.getAssetIndex(["p"], { byPartition: true });
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
        await storage.appendEvents([checkEvaluation("r1", "a", true), log("r1", "hello")]);
        expect(await storage.getAssetIndex(["a"])).toEqual([]);
      });

      it("returns asset events newest first, filtered by type, partition and limit", async () => {
        await storage.appendEvents([
          materialization("r1", "a", "p1", 1),
          checkEvaluation("r1", "a", false),
          materialization("r2", "a", "p2", 2),
          observation("r2", "a", "p1"),
          materialization("r3", "a", "p1", 3),
          materialization("r3", "other", "p1", 4),
        ]);
        const mats = await storage.getAssetEvents("a", ["ASSET_MATERIALIZATION"]);
        expect(mats.map((e) => e.timestamp)).toEqual([3, 2, 1]);
        const ascending = await storage.getAssetEvents("a", ["ASSET_MATERIALIZATION"], { descending: false, limit: 2 });
        expect(ascending.map((e) => e.timestamp)).toEqual([1, 2]);
        const p1 = await storage.getAssetEvents("a", ["ASSET_MATERIALIZATION", "ASSET_OBSERVATION"], { partition: "p1" });
        expect(p1.map((e) => e.type)).toEqual(["ASSET_MATERIALIZATION", "ASSET_OBSERVATION", "ASSET_MATERIALIZATION"]);
        const checks = await storage.getAssetEvents("a", ["ASSET_CHECK_EVALUATION"]);
        expect(withoutIds(checks)).toEqual([checkEvaluation("r1", "a", false)]);
        expect(await storage.getAssetEvents("a", ["ASSET_MATERIALIZATION"], { limit: 1 })).toHaveLength(1);
        expect(await storage.getAssetEvents("nothing", ["ASSET_MATERIALIZATION"])).toEqual([]);
      });

      it("wipes an asset's history but keeps the events in their run's log", async () => {
        await storage.appendEvents([materialization("r1", "a"), checkEvaluation("r1", "a", true), materialization("r1", "b")]);
        await storage.wipeAsset("a");
        expect((await storage.getAssetIndex()).map((e) => e.assetKey)).toEqual(["b"]);
        expect(await storage.getAssetEvents("a", ["ASSET_MATERIALIZATION", "ASSET_CHECK_EVALUATION"])).toEqual([]);
        expect(await storage.getEvents("r1")).toHaveLength(3);
        await storage.appendEvents([materialization("r2", "a")]);
        const [entry] = await storage.getAssetIndex(["a"]);
        expect(entry?.lastMaterialization?.runId).toBe("r2");
        expect(await storage.getAssetEvents("a", ["ASSET_MATERIALIZATION"])).toHaveLength(1);
      });
    });

    describe("small state", () => {
      it("keeps the latest heartbeat per run", async () => {
        expect(await storage.getHeartbeat("r1")).toBeUndefined();
        await storage.setHeartbeat("r1", 100);
        await storage.setHeartbeat("r1", 200);
        await storage.setHeartbeat("r2", 150);
        expect(await storage.getHeartbeat("r1")).toBe(200);
        expect(await storage.getHeartbeat("r2")).toBe(150);
      });

      it("refuses dynamic partition keys that could not be stored or addressed, naming the set", async () => {
        await expect(storage.addDynamicPartitions("customers", ["ok", "a|b"])).rejects.toThrowError(/Dynamic partitions "customers"/);
        expect(await storage.getDynamicPartitions("customers")).toEqual([]);
      });

      it("adds dynamic partitions in order, ignoring duplicates, and deletes them", async () => {
        expect(await storage.getDynamicPartitions("customers")).toEqual([]);
        await storage.addDynamicPartitions("customers", ["acme", "globex"]);
        await storage.addDynamicPartitions("customers", ["globex", "initech", "initech"]);
        await storage.addDynamicPartitions("regions", ["eu"]);
        expect(await storage.getDynamicPartitions("customers")).toEqual(["acme", "globex", "initech"]);
        await storage.deleteDynamicPartition("customers", "globex");
        await storage.deleteDynamicPartition("customers", "unknown");
        expect(await storage.getDynamicPartitions("customers")).toEqual(["acme", "initech"]);
        expect(await storage.getDynamicPartitions("regions")).toEqual(["eu"]);
      });

      it("gets, sets, overwrites and deletes state per namespace", async () => {
        expect(await storage.getState("sensor", "cursor")).toBeUndefined();
        await storage.setState("sensor", "cursor", "1");
        await storage.setState("sensor", "cursor", "2");
        await storage.setState("schedule", "cursor", "x");
        await storage.setState("sensor", "", "");
        expect(await storage.getState("sensor", "cursor")).toBe("2");
        expect(await storage.getState("schedule", "cursor")).toBe("x");
        expect(await storage.getState("sensor", "")).toBe("");
        await storage.setState("sensor", "cursor", undefined);
        expect(await storage.getState("sensor", "cursor")).toBeUndefined();
        expect(await storage.getState("schedule", "cursor")).toBe("x");
      });
    });

    describe("close", () => {
      it("closes once, tolerates a second close and refuses later use", async () => {
        await storage.close();
        await storage.close();
        await expect(storage.getRun("r1")).rejects.toMatchObject({ code: "STORAGE_ERROR" });
        await expect(storage.appendEvents([log("r1", "late")])).rejects.toMatchObject({ code: "STORAGE_ERROR" });
      });

      if (options.reopen !== undefined) {
        const reopen = options.reopen;
        it("reads everything back after closing and reopening", async () => {
          await storage.createRun(run("r1", { status: "SUCCESS" }));
          await storage.appendEvents([materialization("r1", "a", "p1"), log("r1", "done")]);
          await storage.setHeartbeat("r1", 9);
          await storage.addDynamicPartitions("d", ["k"]);
          await storage.setState("ns", "k", "v");
          const events = await storage.getEvents("r1");
          await storage.close();
          storage = await reopen(storage);
          expect(await storage.getRun("r1")).toEqual(run("r1", { status: "SUCCESS" }));
          expect(await storage.getEvents("r1")).toEqual(events);
          expect((await storage.getAssetIndex(["a"], { byPartition: true }))[0]?.lastMaterialization).toEqual(events[0]);
          expect(await storage.getHeartbeat("r1")).toBe(9);
          expect(await storage.getDynamicPartitions("d")).toEqual(["k"]);
          expect(await storage.getState("ns", "k")).toBe("v");
        });
      }
    });
  });
}
