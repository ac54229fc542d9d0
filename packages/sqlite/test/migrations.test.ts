import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { encodeEvent } from "@orch/core";
import { LATEST_SCHEMA_VERSION, MIGRATIONS, sqliteStorage } from "../src/index.ts";
import { migrate } from "../src/migrations.ts";

const fixture = fileURLToPath(new URL("./fixtures/v1.db", import.meta.url));
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function copyOfFixture(): string {
  dir = mkdtempSync(join(tmpdir(), "orch-sqlite-migrate-"));
  const path = join(dir, "orch.db");
  copyFileSync(fixture, path);
  return path;
}

describe("schema migrations", () => {
  it("starts from a fixture at schema version 1", () => {
    const db = new Database(fixture, { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(1);
    db.close();
    expect(LATEST_SCHEMA_VERSION).toBeGreaterThan(1);
  });

  it("opens an instance written at version 1, migrates it and reads the old runs and events", async () => {
    const path = copyOfFixture();
    const storage = sqliteStorage({ path });
    expect(storage.inspect().schemaVersion).toBe(LATEST_SCHEMA_VERSION);

    expect(await storage.getRun("run-old-2")).toEqual({
      runId: "run-old-2",
      status: "FAILURE",
      jobName: "daily",
      assetKeys: ["raw/orders"],
      stepKeys: ["raw/orders"],
      tags: { team: "data" },
      runConfig: {},
      createdAt: 1_700_000_100_000,
      startedAt: 1_700_000_100_100,
      endedAt: 1_700_000_101_000,
      statusReason: "step raw/orders failed",
    });
    expect((await storage.listRuns({ tags: { team: "data" } })).map((r) => r.runId)).toEqual(["run-old-2", "run-old-1"]);
    const events = await storage.getEvents("run-old-1");
    expect(events.map((e) => e.type)).toEqual(["RUN_START", "STEP_START", "ASSET_MATERIALIZATION", "RUN_SUCCESS"]);
    expect(events[2]).toMatchObject({ assetKey: ["raw", "orders"], partition: "2023-11-14", metadata: { rows: 42 } });
    const [entry] = await storage.getAssetIndex(["raw/orders"], { byPartition: true });
    expect(entry).toMatchObject({ partition: "2023-11-14", lastMaterialization: { id: events[2]!.id } });
    expect(await storage.getState("sensor:new_files", "cursor")).toBe("17");
    expect(await storage.getDynamicPartitions("customers")).toEqual(["acme"]);

    // What version 2 added works on the migrated data: asset lookups and wipes.
    expect(await storage.getAssetEvents("raw/orders", ["ASSET_MATERIALIZATION"])).toHaveLength(1);
    await storage.appendEvents([{ type: "LOG", runId: "run-new", timestamp: 1, level: "info", message: "after upgrade" }]);
    const [added] = await storage.getEvents("run-new");
    expect(added!.id).toBeGreaterThan(events[3]!.id);
    await storage.wipeAsset("raw/orders");
    expect(await storage.getAssetEvents("raw/orders", ["ASSET_MATERIALIZATION"])).toEqual([]);
    await storage.close();
  });

  it("fills the check index from the log when migrating to version 4, so existing check results show", async () => {
    dir = mkdtempSync(join(tmpdir(), "orch-sqlite-migrate-"));
    const path = join(dir, "orch.db");
    const db = new Database(path);
    migrate(db, path, MIGRATIONS.filter((m) => m.version < 4));
    const insert = db.prepare("INSERT INTO event_logs (run_id, type, step_key, asset_key, partition, timestamp, body) VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (const [runId, passed] of [["r1", false], ["r2", true]] as const) {
      const row = encodeEvent({ type: "ASSET_CHECK_EVALUATION", runId, timestamp: 1, assetKey: ["a"], checkName: "rows", passed, severity: "error", blocking: false, metadata: {} });
      insert.run(row.run_id, row.type, row.step_key, row.asset_key, row.partition, row.timestamp, row.body);
    }
    db.close();
    const storage = sqliteStorage({ path });
    expect(storage.inspect().schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect((await storage.getLatestCheckResults()).map((e) => [e.checkName, e.runId, e.passed, e.severity])).toEqual([["rows", "r2", true, "error"]]);
    expect(await storage.getFailedPartitions()).toEqual([]);
    await storage.close();
  });

  it("opens an already migrated instance again without re-running migrations", async () => {
    const path = copyOfFixture();
    await sqliteStorage({ path }).close();
    const again = sqliteStorage({ path });
    expect(again.inspect().schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(await again.getRun("run-old-1")).toMatchObject({ status: "SUCCESS" });
    await again.close();
  });
});
