// Contract cases for the failed-partition index and the latest check evaluations.
import { describe, expect, it } from "vitest";
import type { OrchEvent } from "../events.ts";
import type { Severity } from "../type-check.ts";
import type { StorageHandle } from "./storage-contract.ts";
import { checkEvaluation, materialization, run } from "./storage-contract-fixtures.ts";

function stepFailure(runId: string, assetKeys: readonly string[], partitions: readonly string[], timestamp = 3_000): OrchEvent {
  return {
    type: "STEP_FAILURE",
    runId,
    timestamp,
    stepKey: assetKeys[0]!,
    durationMs: 1,
    attempt: 1,
    error: { name: "Error", message: "boom" },
    ...(partitions.length > 0 ? { failedPartitions: { assetKeys, partitions } } : {}),
  };
}

function check(runId: string, assetKey: string, checkName: string, passed: boolean, severity: Severity = "error"): OrchEvent {
  return { ...checkEvaluation(runId, assetKey, passed), checkName, severity } as OrchEvent;
}

export function describePartitionStatusContract(handle: StorageHandle): void {
  describe("failed partitions", () => {
    it("marks the partitions a failed step names as failed until a later materialization clears them", async () => {
      await handle.storage.appendEvents([materialization("r1", "p", "2024-01-01"), materialization("r1", "p", "2024-01-02")]);
      await handle.storage.appendEvents([stepFailure("r2", ["p", "q/x"], ["2024-01-02", "2024-01-03"])]);
      expect(await handle.storage.getFailedPartitions(["p"])).toEqual([
        { assetKey: "p", partition: "2024-01-02", runId: "r2", timestamp: 3_000 },
        { assetKey: "p", partition: "2024-01-03", runId: "r2", timestamp: 3_000 },
      ]);
      expect(await handle.storage.getPartitionStatusCounts()).toEqual([
        { assetKey: "p", materialized: 1, failed: 2 },
        { assetKey: "q/x", materialized: 0, failed: 2 },
      ]);
      await handle.storage.appendEvents([materialization("r3", "p", "2024-01-03")]);
      expect((await handle.storage.getFailedPartitions()).map((f) => `${f.assetKey}:${f.partition}`)).toEqual(["p:2024-01-02", "q/x:2024-01-02", "q/x:2024-01-03"]);
      expect(await handle.storage.getPartitionStatusCounts(["p", "none"])).toEqual([{ assetKey: "p", materialized: 2, failed: 1 }]);
    });

    it("keeps the latest failure of a partition and ignores failures that name no partition", async () => {
      await handle.storage.appendEvents([stepFailure("r1", ["p"], ["a"], 1), stepFailure("r2", ["p"], ["a"], 2), stepFailure("r3", ["p"], [])]);
      expect(await handle.storage.getFailedPartitions(["p"])).toEqual([{ assetKey: "p", partition: "a", runId: "r2", timestamp: 2 }]);
      expect(await handle.storage.getFailedPartitions([])).toEqual([]);
    });

    it("forgets a failure when its run is deleted or its asset wiped", async () => {
      for (const id of ["r1", "r2"]) await handle.storage.createRun(run(id, { status: "STARTED" }));
      await handle.storage.appendEvents([materialization("r1", "p", "a"), materialization("r1", "w", "a")]);
      await handle.storage.appendEvents([stepFailure("r2", ["p", "w"], ["a", "b"])]);
      await handle.storage.wipeAsset("w");
      expect((await handle.storage.getFailedPartitions()).map((f) => `${f.assetKey}:${f.partition}`)).toEqual(["p:a", "p:b"]);
      await handle.storage.deleteRuns(["r2"]);
      expect(await handle.storage.getFailedPartitions()).toEqual([]);
      expect(await handle.storage.getPartitionStatusCounts()).toEqual([{ assetKey: "p", materialized: 1, failed: 0 }]);
    });
  });

  describe("latest check evaluations", () => {
    it("keeps the latest evaluation of each check of each asset, over partitions", async () => {
      await handle.storage.appendEvents([check("r1", "a", "rows", false), check("r1", "a", "fresh", true), check("r1", "b/c", "rows", false, "warn")]);
      await handle.storage.appendEvents([{ ...check("r2", "a", "rows", true), partition: "2024-01-01" } as OrchEvent]);
      const latest = await handle.storage.getLatestCheckResults();
      expect(latest.map((e) => [e.assetKey, e.checkName, e.runId, e.passed, e.severity])).toEqual([
        ["a", "fresh", "r1", true, "error"],
        ["a", "rows", "r2", true, "error"],
        ["b/c", "rows", "r1", false, "warn"],
      ]);
      const [stored] = await handle.storage.getEvents("r2");
      expect(latest[1]).toEqual({ assetKey: "a", checkName: "rows", passed: true, severity: "error", runId: "r2", eventId: stored!.id, timestamp: 2_000 });
      expect((await handle.storage.getLatestCheckResults(["b/c", "zzz"])).map((e) => e.checkName)).toEqual(["rows"]);
      await handle.storage.wipeAsset("a");
      expect((await handle.storage.getLatestCheckResults()).map((e) => e.assetKey)).toEqual(["b/c"]);
    });

    it("falls back to the previous evaluation when the latest one's run is deleted", async () => {
      for (const id of ["r1", "r2"]) await handle.storage.createRun(run(id, { status: "STARTED" }));
      await handle.storage.appendEvents([check("r1", "a", "rows", false)]);
      await handle.storage.appendEvents([check("r2", "a", "rows", true)]);
      await handle.storage.deleteRuns(["r2"]);
      expect((await handle.storage.getLatestCheckResults()).map((e) => [e.runId, e.passed])).toEqual([["r1", false]]);
    });
  });
}
