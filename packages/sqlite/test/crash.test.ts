import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { sqliteStorage } from "../src/index.ts";

const child = fileURLToPath(new URL("./append-child.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "orch-sqlite-crash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the appending child until it has acknowledged `acks` events, then SIGKILLs it mid-write. */
async function appendUntilKilled(path: string, acks: number): Promise<number[]> {
  const proc = spawn(process.execPath, ["--conditions=@orch/source", child, path], { stdio: ["ignore", "pipe", "inherit"] });
  const acknowledged: number[] = [];
  const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on("exit", (_code, signal) => resolve(signal)));
  for await (const line of createInterface({ input: proc.stdout })) {
    acknowledged.push(Number(line));
    if (acknowledged.length === acks) proc.kill("SIGKILL");
  }
  expect(await exited).toBe("SIGKILL");
  return acknowledged;
}

describe("crash safety", () => {
  it("keeps every acknowledged event when the writing process is SIGKILLed", async () => {
    const path = join(dir, "orch.db");
    const acknowledged = await appendUntilKilled(path, 2_000);
    expect(acknowledged.length).toBeGreaterThanOrEqual(2_000);

    const storage = sqliteStorage({ path });
    const stored = new Set(
      (await storage.getEvents("crash")).map((event) => (event.type === "LOG" ? event.message : "")),
    );
    const missing = acknowledged.filter((n) => !stored.has(`event-${n}`));
    expect(missing).toEqual([]);
    await storage.close();
  });
});
