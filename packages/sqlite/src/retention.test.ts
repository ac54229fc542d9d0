import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OrchEvent, RunRecord, RunStatus } from "@orch/core";
import { afterAll, describe, expect, it } from "vitest";
import { sqliteStorage } from "./sqlite-storage.ts";

const root = mkdtempSync(join(tmpdir(), "orch-sqlite-retention-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(root, `db-${++counter}.db`);
const DAY = 86_400_000;

function run(runId: string, status: RunStatus, createdAt: number): RunRecord {
  return { runId, status, assetKeys: ["a"], stepKeys: ["a"], tags: {}, runConfig: {}, createdAt };
}

function materialization(runId: string, timestamp: number): OrchEvent {
  return { type: "ASSET_MATERIALIZATION", runId, timestamp, assetKey: ["a"], metadata: {} };
}

describe("retention", () => {
  it("deletes finished runs older than maxAgeDays when the storage opens, keeping unfinished ones", async () => {
    const path = freshPath();
    const now = Date.now();
    const writer = sqliteStorage({ path });
    await writer.createRun(run("ancient-success", "STARTED", now - 40 * DAY));
    await writer.createRun(run("ancient-started", "STARTED", now - 40 * DAY));
    await writer.createRun(run("recent-failure", "STARTED", now - 2 * DAY));
    await writer.appendEvents([materialization("ancient-success", 1), materialization("recent-failure", 2)]);
    await writer.updateRun("ancient-success", { status: "SUCCESS" });
    await writer.updateRun("recent-failure", { status: "FAILURE" });
    await writer.close();

    const storage = sqliteStorage({ path, retention: { maxAgeDays: 30 } });
    expect((await storage.listRuns()).map((r) => r.runId).sort()).toEqual(["ancient-started", "recent-failure"]);
    expect(await storage.getEvents("ancient-success")).toEqual([]);
    const [entry] = await storage.getAssetIndex(["a"]);
    expect(entry?.lastMaterialization?.runId).toBe("recent-failure");
    await storage.close();
  });

  it("keeps the event log under maxEventRows by dropping the oldest finished runs as events are appended", async () => {
    const storage = sqliteStorage({ path: freshPath(), retention: { maxEventRows: 50, checkEveryEvents: 10 } });
    for (let i = 0; i < 30; i++) {
      const runId = `run-${String(i).padStart(2, "0")}`;
      await storage.createRun(run(runId, "STARTED", 1_000 + i));
      await storage.appendEvents(Array.from({ length: 10 }, (_, n) => materialization(runId, n)));
      await storage.updateRun(runId, { status: "SUCCESS" });
    }
    const remaining = (await storage.listRuns()).map((r) => r.runId);
    // Bounded at 50 rows plus at most one check interval of growth.
    const rows = (await Promise.all(remaining.map((id) => storage.getEvents(id)))).flat().length;
    expect(rows).toBeLessThanOrEqual(60);
    expect(remaining).toContain("run-29");
    expect(remaining).not.toContain("run-00");
    await storage.close();
  });

  it("runs a pass on demand and never deletes runs that have not finished", async () => {
    const storage = sqliteStorage({ path: freshPath(), retention: { maxEventRows: 1 } });
    await storage.createRun(run("live", "STARTED", 1));
    await storage.appendEvents([materialization("live", 1), materialization("live", 2)]);
    expect(storage.applyRetention()).toBe(0);
    expect(await storage.getEvents("live")).toHaveLength(2);
    await storage.close();
  });
});
