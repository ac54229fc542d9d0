import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { sqliteStorage } from "../src/index.ts";

const child = fileURLToPath(new URL("./append-child.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "orch-sqlite-writers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An appending child on `path` until it acknowledges `acks` events; resolves with how it ended and what it said. */
async function appendAlongside(path: string, acks: number): Promise<{ acknowledged: number; signal: NodeJS.Signals | null; stderr: string }> {
  const proc = spawn(process.execPath, ["--conditions=@orch/source", child, path], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on("exit", (_code, signal) => resolve(signal)));
  let acknowledged = 0;
  for await (const _line of createInterface({ input: proc.stdout })) {
    if (++acknowledged === acks) proc.kill("SIGTERM");
  }
  return { acknowledged, signal: await exited, stderr };
}

describe("several processes writing one instance", () => {
  // A run's process, the daemon, a heartbeat thread and `orch` commands all write the same file. Appending events
  // reads the run's status (the fence) before it writes: in a transaction begun as a reader, SQLite answers a
  // writer's commit in between with SQLITE_BUSY at once, whatever the busy timeout. Writes begin as writers.
  it("appends from three processes at once, none told the database is locked", async () => {
    const path = join(dir, "orch.db");
    await sqliteStorage({ path }).close(); // migrated once, so the children only write

    const ended = await Promise.all([0, 1, 2].map(() => appendAlongside(path, 3_000)));
    for (const { acknowledged, signal, stderr } of ended) {
      expect(stderr).not.toContain("database is locked");
      // Stopped by the test once it had 3,000 acknowledgements (a few more land before the signal does), not dead early.
      expect(signal).toBe("SIGTERM");
      expect(acknowledged).toBeGreaterThanOrEqual(3_000);
    }
  });
});
