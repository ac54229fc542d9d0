import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeStorageContract } from "@orch/core/testing";
import type { OrchEvent } from "@orch/core";
import { afterAll, describe, expect, it } from "vitest";
import { sqliteStorage } from "./sqlite-storage.ts";

const root = mkdtempSync(join(tmpdir(), "orch-sqlite-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(root, `db-${++counter}`, "orch.db");

describeStorageContract("sqlite", () => sqliteStorage({ path: freshPath() }), {
  reopen: (closed) => sqliteStorage({ path: (closed as ReturnType<typeof sqliteStorage>).path }),
});
describeStorageContract("sqlite (durability: power)", () => sqliteStorage({ path: freshPath(), durability: "power" }));

function log(runId: string, message: string): OrchEvent {
  return { type: "LOG", runId, timestamp: 1, level: "info", message };
}

describe("sqliteStorage", () => {
  it("uses WAL with synchronous=NORMAL by default and FULL for durability: power", async () => {
    const path = freshPath();
    const processSafe = sqliteStorage({ path });
    expect(processSafe.inspect()).toMatchObject({ journalMode: "wal", synchronous: "NORMAL" });
    await processSafe.close();
    const powerSafe = sqliteStorage({ path, durability: "power" });
    expect(powerSafe.inspect()).toMatchObject({ journalMode: "wal", synchronous: "FULL" });
    await powerSafe.close();
  });

  it("coalesces concurrent appends into few transactions and resolves every caller", async () => {
    const storage = sqliteStorage({ path: freshPath() });
    const appends = Array.from({ length: 500 }, (_, i) => storage.appendEvents([log("r1", `m${i}`)]));
    await Promise.all(appends);
    const stats = storage.stats();
    expect(stats.eventsWritten).toBe(500);
    expect(stats.eventTransactions).toBeLessThanOrEqual(2);
    const messages = (await storage.getEvents("r1")).map((e) => (e.type === "LOG" ? e.message : ""));
    expect(messages).toEqual(Array.from({ length: 500 }, (_, i) => `m${i}`));
    await storage.close();
  });

  it("sees queued appends from a read made before the flush", async () => {
    const storage = sqliteStorage({ path: freshPath() });
    void storage.appendEvents([log("r1", "queued")]);
    expect(await storage.getEvents("r1")).toHaveLength(1);
    await storage.close();
  });

  it("rejects only the batch that fails when batches are coalesced", async () => {
    const storage = sqliteStorage({ path: freshPath() });
    const bad = { ...log("r1", "bad"), timestamp: undefined } as unknown as OrchEvent;
    const results = await Promise.allSettled([
      storage.appendEvents([log("r1", "good-1")]),
      storage.appendEvents([bad]),
      storage.appendEvents([log("r1", "good-2")]),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((await storage.getEvents("r1")).map((e) => (e.type === "LOG" ? e.message : ""))).toEqual(["good-1", "good-2"]);
    await storage.close();
  });

  it("keeps a materialization's events compact (under 2 KB for the four events of one step)", async () => {
    const path = freshPath();
    const storage = sqliteStorage({ path });
    const steps = 500;
    storage.checkpoint();
    const { statSync } = await import("node:fs");
    const before = statSync(path).size;
    for (let i = 0; i < steps; i++) {
      const stepKey = `asset_${i}`;
      await storage.appendEvents([
        { type: "STEP_START", runId: "run-1", timestamp: 1_700_000_000_000 + i, stepKey, attempt: 1 },
        {
          type: "HANDLED_OUTPUT",
          runId: "run-1",
          timestamp: 1_700_000_000_001 + i,
          stepKey,
          outputName: "result",
          ioManager: "fs",
          metadata: { path: { type: "path", value: `/tmp/.orch/storage/${stepKey}.json` } },
        },
        { type: "ASSET_MATERIALIZATION", runId: "run-1", timestamp: 1_700_000_000_002 + i, stepKey, assetKey: [stepKey], metadata: { rows: 10 } },
        { type: "STEP_SUCCESS", runId: "run-1", timestamp: 1_700_000_000_003 + i, stepKey, durationMs: 1.25 },
      ]);
    }
    storage.checkpoint();
    const perMaterialization = (statSync(path).size - before) / steps;
    expect(perMaterialization).toBeLessThan(2048);
    await storage.close();
  });

  it("refuses a database written by a newer schema", async () => {
    const path = freshPath();
    await sqliteStorage({ path }).close();
    const Database = (await import("better-sqlite3")).default;
    const db = new Database(path);
    db.pragma("user_version = 99");
    db.close();
    expect(() => sqliteStorage({ path })).toThrow(/schema version 99.*supports up to/);
  });
});
