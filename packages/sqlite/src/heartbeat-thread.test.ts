import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { sqliteStorage } from "./sqlite-storage.ts";

const root = mkdtempSync(join(tmpdir(), "orch-sqlite-beat-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Blocks this thread's event loop, as a synchronous step would. */
function blockEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe("the SQLite heartbeat", () => {
  it("keeps beating, on its own connection, while the run's event loop is blocked", async () => {
    const path = join(root, "orch.db");
    const storage = sqliteStorage({ path });
    const reader = sqliteStorage({ path });
    try {
      const beat = storage.startHeartbeat("r1", 20);
      while ((await reader.getHeartbeat("r1")) === undefined) await sleep(10);
      const blockedAt = Date.now();
      blockEventLoop(800);
      // Read by another connection, as another orch process would: beats were written during the block.
      expect(await reader.getHeartbeat("r1")).toBeGreaterThan(blockedAt + 100);
      await beat.stop();
    } finally {
      await reader.close();
      await storage.close();
    }
  });
});
