// The storage contract: run keys, the run queue, ticks, schedule/sensor state, backfills, the daemon lock.
import { describe, expect, it } from "vitest";
import type { BackfillRecord, TickRecord } from "../automation-storage.ts";
import { log, materialization, run } from "./storage-contract-fixtures.ts";
import type { StorageHandle } from "./storage-contract.ts";

function tick(instigator: string, timestamp: number, overrides: Partial<TickRecord> = {}): TickRecord {
  return { instigator, kind: "schedule", timestamp, status: "success", runIds: [], durationMs: 3, ...overrides };
}

function backfill(backfillId: string, createdAt: number): BackfillRecord {
  return {
    backfillId,
    status: "REQUESTED",
    selection: "daily",
    units: [{ partitionKey: "2024-01-01" }, { partitionRange: { start: "2024-01-02", end: "2024-01-03" } }],
    submitted: 0,
    tags: { team: "data" },
    runConfig: {},
    createdAt,
  };
}

const holder = (daemonId: string, heartbeatAt: number) => ({ daemonId, pid: 42, host: "box", startedAt: 1, heartbeatAt });

export function describeAutomationContract(handle: StorageHandle): void {
  describe("run queue", () => {
    it("creates queued runs with a RUN_ENQUEUED event each and lists them oldest first", async () => {
      const outcomes = await handle.storage.enqueueRuns([{ run: run("q2", { createdAt: 20 }) }, { run: run("q1", { createdAt: 10, status: "STARTED" }) }]);
      expect(outcomes).toEqual([{ runId: "q2", created: true }, { runId: "q1", created: true }]);
      expect((await handle.storage.getRun("q1"))?.status).toBe("QUEUED");
      expect((await handle.storage.getEvents("q2")).map((e) => e.type)).toEqual(["RUN_ENQUEUED"]);
      await handle.storage.createRun(run("started", { status: "STARTED" }));
      expect((await handle.storage.getQueuedRuns()).map((r) => r.runId)).toEqual(["q1", "q2"]);
      expect((await handle.storage.getQueuedRuns(1)).map((r) => r.runId)).toEqual(["q1"]);
    });

    it("launches a run key at most once per instigator, and reports the run it launched", async () => {
      await handle.storage.enqueueRuns([{ run: run("a"), runKey: { instigator: "files", key: "x.csv" } }]);
      const again = await handle.storage.enqueueRuns([
        { run: run("b"), runKey: { instigator: "files", key: "x.csv" } },
        { run: run("c"), runKey: { instigator: "other", key: "x.csv" } },
      ]);
      expect(again).toEqual([{ runId: "a", created: false }, { runId: "c", created: true }]);
      expect(await handle.storage.getRun("b")).toBeUndefined();
      expect(await handle.storage.getRunIdForKey("files", "x.csv")).toBe("a");
      expect(await handle.storage.getRunIdForKey("files", "y.csv")).toBeUndefined();
    });

    it("refuses a batch reusing a run id, creating none of it", async () => {
      await handle.storage.createRun(run("taken"));
      await expect(handle.storage.enqueueRuns([{ run: run("fresh") }, { run: run("taken") }])).rejects.toMatchObject({ code: "STORAGE_ERROR" });
      expect(await handle.storage.getRun("fresh")).toBeUndefined();
    });

    it("claims a queued run once: a second claim and a claim of an unknown run fail", async () => {
      await handle.storage.enqueueRuns([{ run: run("q") }]);
      expect(await handle.storage.transitionRun("q", ["QUEUED"], { status: "STARTING" })).toBe(true);
      expect(await handle.storage.transitionRun("q", ["QUEUED"], { status: "STARTING" })).toBe(false);
      expect(await handle.storage.transitionRun("nope", ["QUEUED"], { status: "STARTING" })).toBe(false);
      expect(await handle.storage.transitionRun("q", ["STARTING", "STARTED"], { status: "CANCELING", statusReason: "asked" })).toBe(true);
      expect(await handle.storage.getRun("q")).toMatchObject({ status: "CANCELING", statusReason: "asked" });
      expect(await handle.storage.getQueuedRuns()).toEqual([]);
    });
  });

  describe("ticks", () => {
    it("keeps ticks per instigator, newest first, with everything recorded", async () => {
      const failed = tick("daily", 300, { status: "failure", error: { name: "Error", message: "boom" }, cursorBefore: "1", cursorAfter: "1" });
      const ids = await handle.storage.addTicks([tick("daily", 100, { runIds: ["r1"] }), tick("files", 200, { kind: "sensor", status: "skipped", skipReason: "no new files" })]);
      expect(ids).toHaveLength(2);
      expect(ids[1]).toBeGreaterThan(ids[0]!);
      await handle.storage.addTicks([failed]);
      const ticks = await handle.storage.getTicks("daily");
      expect(ticks.map(({ id: _id, ...rest }) => rest)).toEqual([failed, tick("daily", 100, { runIds: ["r1"] })]);
      expect(await handle.storage.getTicks("daily", { limit: 1 })).toHaveLength(1);
      expect((await handle.storage.getTicks("daily", { before: 300 })).map((t) => t.timestamp)).toEqual([100]);
      expect((await handle.storage.getTicks("files"))[0]).toMatchObject({ status: "skipped", skipReason: "no new files" });
      expect(await handle.storage.deleteTicksBefore(250)).toBe(2);
      expect((await handle.storage.getTicks("daily")).map((t) => t.timestamp)).toEqual([300]);
    });
  });

  describe("schedule and sensor state", () => {
    it("sets, overwrites and lists instigator state by name", async () => {
      expect(await handle.storage.getInstigatorState("daily")).toBeUndefined();
      await handle.storage.setInstigatorStates([{ name: "daily", kind: "schedule", status: "running", updatedAt: 1 }]);
      await handle.storage.setInstigatorStates([
        { name: "daily", kind: "schedule", status: "stopped", lastTickAt: 5, updatedAt: 2 },
        { name: "files", kind: "sensor", cursor: "c1", updatedAt: 3 },
      ]);
      expect(await handle.storage.getInstigatorState("daily")).toEqual({ name: "daily", kind: "schedule", status: "stopped", lastTickAt: 5, updatedAt: 2 });
      expect((await handle.storage.listInstigatorStates()).map((s) => s.name)).toEqual(["daily", "files"]);
    });
  });

  describe("backfills", () => {
    it("creates, updates and lists backfills newest first, refusing a duplicate id", async () => {
      await handle.storage.createBackfill(backfill("b1", 10));
      await handle.storage.createBackfill(backfill("b2", 20));
      await expect(handle.storage.createBackfill(backfill("b1", 30))).rejects.toMatchObject({ code: "STORAGE_ERROR" });
      await handle.storage.updateBackfill("b1", { status: "COMPLETED", submitted: 2, endedAt: 50 });
      expect(await handle.storage.getBackfill("b1")).toEqual({ ...backfill("b1", 10), status: "COMPLETED", submitted: 2, endedAt: 50 });
      expect((await handle.storage.listBackfills()).map((b) => b.backfillId)).toEqual(["b2", "b1"]);
      expect((await handle.storage.listBackfills({ statuses: ["REQUESTED"] })).map((b) => b.backfillId)).toEqual(["b2"]);
      await expect(handle.storage.updateBackfill("nope", { status: "CANCELED" })).rejects.toThrowError(/nope/);
    });
  });

  describe("daemon", () => {
    it("lets one daemon hold the lock, names it to a second, and hands over once it is stale or released", async () => {
      expect(await handle.storage.acquireDaemonLock(holder("d1", 1_000), 500)).toEqual({ acquired: true });
      expect(await handle.storage.acquireDaemonLock(holder("d1", 1_200), 500)).toEqual({ acquired: true });
      expect(await handle.storage.acquireDaemonLock(holder("d2", 1_300), 500)).toEqual({ acquired: false, holder: holder("d1", 1_200) });
      expect(await handle.storage.acquireDaemonLock(holder("d2", 1_800), 500)).toEqual({ acquired: true });
      expect(await handle.storage.getDaemonLock()).toEqual(holder("d2", 1_800));
      await handle.storage.releaseDaemonLock("d1");
      expect((await handle.storage.getDaemonLock())?.daemonId).toBe("d2");
      await handle.storage.releaseDaemonLock("d2");
      expect(await handle.storage.getDaemonLock()).toBeUndefined();
    });

    it("keeps the latest heartbeat per loop", async () => {
      await handle.storage.setDaemonHeartbeat({ daemonId: "d1", loop: "scheduler", at: 1 });
      await handle.storage.setDaemonHeartbeat({ daemonId: "d1", loop: "scheduler", at: 2 });
      await handle.storage.setDaemonHeartbeat({ daemonId: "d1", loop: "queue", at: 3, error: "boom" });
      expect(await handle.storage.getDaemonHeartbeats()).toEqual([
        { daemonId: "d1", loop: "queue", at: 3, error: "boom" },
        { daemonId: "d1", loop: "scheduler", at: 2 },
      ]);
    });
  });

  describe("event log across runs", () => {
    it("reports 0 as the latest event id of an empty log", async () => {
      expect(await handle.storage.getLatestEventId()).toBe(0);
    });

    it("reads events of given types (and assets) after an id, in log order", async () => {
      await handle.storage.appendEvents([materialization("r1", "a"), log("r1", "x"), materialization("r2", "b/c", "p1")]);
      await handle.storage.appendEvents([{ type: "RUN_SUCCESS", runId: "r1", timestamp: 3, durationMs: 1 }]);
      const all = await handle.storage.getEventsAfter({ types: ["ASSET_MATERIALIZATION"] });
      expect(all.map((e) => e.runId)).toEqual(["r1", "r2"]);
      expect((await handle.storage.getEventsAfter({ types: ["ASSET_MATERIALIZATION"], afterId: all[0]!.id })).map((e) => e.runId)).toEqual(["r2"]);
      expect((await handle.storage.getEventsAfter({ types: ["ASSET_MATERIALIZATION"], assetKeys: ["b/c"] }))[0]).toMatchObject({ partition: "p1" });
      expect(await handle.storage.getEventsAfter({ types: ["ASSET_MATERIALIZATION"], limit: 1 })).toHaveLength(1);
      expect((await handle.storage.getEventsAfter({ types: ["RUN_SUCCESS", "RUN_FAILURE"] })).map((e) => e.type)).toEqual(["RUN_SUCCESS"]);
      expect((await handle.storage.getEventsAfter({ afterId: all[1]!.id })).map((e) => e.type)).toEqual(["RUN_SUCCESS"]);
      expect((await handle.storage.getMaterializationsAfter({ assetKeys: ["a", "b/c"], afterEventId: all[0]!.id })).map((e) => e.runId)).toEqual(["r2"]);
      const latest = await handle.storage.getLatestEventId();
      expect(latest).toBeGreaterThan(all[1]!.id);
      expect(await handle.storage.getEventsAfter({ afterId: latest })).toEqual([]);
    });
  });
}
