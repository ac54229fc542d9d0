// The storage contract: what crash detection relies on (the worker's identity, heartbeats, the fence).
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { OrchEvent } from "../events.ts";
import { log, materialization, run } from "./storage-contract-fixtures.ts";
import type { StorageHandle } from "./storage-contract.ts";

export function describeLivenessContract(handle: StorageHandle): void {
  describe("liveness and the fence", () => {
    it("keeps the identity of the run's worker process", async () => {
      const worker = { host: "host-a", pid: 4242, startTime: "123456" };
      await handle.storage.createRun(run("r1", { status: "STARTED", worker }));
      expect((await handle.storage.getRun("r1"))?.worker).toEqual(worker);
    });

    it("records the worker that claims a queued run, keeping the rest of the record", async () => {
      await handle.storage.createRun(run("claimed", { status: "STARTING", tags: { team: "a" }, selection: "x" }));
      const worker = { host: "host-b", pid: 77, startTime: "99" };
      expect(await handle.storage.transitionRun("claimed", ["STARTING"], { status: "STARTED", worker })).toBe(true);
      const claimed = await handle.storage.getRun("claimed");
      expect(claimed).toMatchObject({ status: "STARTED", worker, tags: { team: "a" }, selection: "x" });
      // An update without a worker keeps it.
      await handle.storage.updateRun("claimed", { startedAt: 5 });
      expect((await handle.storage.getRun("claimed"))?.worker).toEqual(worker);
    });

    it("refuses every event of a finished run, and only of that run", async () => {
      await handle.storage.createRun(run("done", { status: "STARTED" }));
      await handle.storage.createRun(run("going", { status: "STARTED" }));
      await handle.storage.appendEvents([log("done", "before the end")]);
      await handle.storage.updateRun("done", { status: "FAILURE", endedAt: 3_000 });
      // Appends made together (one storage batch) must not fail their neighbours.
      const late = handle.storage.appendEvents([log("done", "late"), materialization("done", "a")]);
      const other = handle.storage.appendEvents([log("going", "still running")]);
      await expect(late).rejects.toMatchObject({ code: "RUN_ALREADY_ENDED", message: expect.stringContaining("done") });
      await other;
      expect((await handle.storage.getEvents("done")).map((e) => e.type === "LOG" && e.message)).toEqual(["before the end"]);
      expect(await handle.storage.getAssetIndex(["a"])).toEqual([]);
      expect(await handle.storage.getEvents("going")).toHaveLength(1);
      // Events of a run not created yet are taken (a run's first events may precede its record).
      await handle.storage.appendEvents([log("unknown", "early")]);
      expect(await handle.storage.getEvents("unknown")).toHaveLength(1);
    });

    it("closes a run with its events in one write, only from the judged status", async () => {
      const failure = (runId: string): OrchEvent => ({ runId, timestamp: 3_000, type: "RUN_FAILURE", durationMs: 1_000, reason: "worker died", failedSteps: ["a"] });
      const update = { status: "FAILURE" as const, endedAt: 3_000, statusReason: "worker died" };
      await handle.storage.createRun(run("dead", { status: "STARTED" }));
      await handle.storage.appendEvents([log("dead", "working")]);
      expect(await handle.storage.closeRun("dead", ["STARTED"], [materialization("dead", "a"), failure("dead")], update)).toBe(true);
      expect(await handle.storage.getRun("dead")).toMatchObject(update);
      expect((await handle.storage.getEvents("dead")).map((e) => e.type)).toEqual(["LOG", "ASSET_MATERIALIZATION", "RUN_FAILURE"]);
      expect((await handle.storage.getAssetIndex(["a"]))[0]?.lastMaterialization?.runId).toBe("dead");
      expect((await handle.storage.getEventsAfter({ types: ["RUN_FAILURE"] })).map((e) => e.runId)).toEqual(["dead"]);

      // Judged STARTING, but a worker took it since (STARTED): nothing is written, the run is untouched.
      await handle.storage.createRun(run("taken", { status: "STARTED" }));
      expect(await handle.storage.closeRun("taken", ["STARTING"], [failure("taken")], update)).toBe(false);
      expect((await handle.storage.getRun("taken"))?.status).toBe("STARTED");
      expect(await handle.storage.getEvents("taken")).toEqual([]);
      // A run that ended since, and a run that does not exist, are not closed either.
      expect(await handle.storage.closeRun("dead", ["STARTED"], [failure("dead")], update)).toBe(false);
      expect(await handle.storage.getEvents("dead", { types: ["RUN_FAILURE"] })).toHaveLength(1);
      expect(await handle.storage.closeRun("nobody", ["STARTED"], [failure("nobody")], update)).toBe(false);
      expect(await handle.storage.getEvents("nobody")).toEqual([]);
    });

    it("beats until the heartbeat is stopped", async () => {
      const started = Date.now();
      const beat = handle.storage.startHeartbeat("r1", 10);
      let seen: number | undefined;
      for (let i = 0; i < 500 && !(seen !== undefined && seen >= started); i++) {
        await sleep(10);
        seen = await handle.storage.getHeartbeat("r1");
      }
      expect(seen).toBeGreaterThanOrEqual(started);
      await beat.stop();
      const last = await handle.storage.getHeartbeat("r1");
      await sleep(50);
      expect(await handle.storage.getHeartbeat("r1")).toBe(last);
    });
  });
}
