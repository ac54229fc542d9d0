import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { RunRecord } from "@orch/core";
import { afterAll, describe, expect, it } from "vitest";
import { sqliteStorage } from "../src/index.ts";

const child = fileURLToPath(new URL("./claim-child.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "orch-sqlite-race-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function claims(path: string, ready: () => void, go: Promise<void>): Promise<string[]> {
  const proc = spawn(process.execPath, ["--conditions=@orch/source", child, path], { stdio: ["pipe", "pipe", "inherit"] });
  void go.then(() => proc.stdin!.end("go\n"));
  const won: string[] = [];
  for await (const line of createInterface({ input: proc.stdout! })) {
    if (line === "ready") ready();
    else won.push(line);
  }
  const code = await new Promise((resolve) => (proc.exitCode !== null ? resolve(proc.exitCode) : proc.on("exit", resolve)));
  expect(code).toBe(0);
  return won;
}

describe("the run queue across processes", () => {
  it("lets two coordinators racing on one SQLite file claim each queued run exactly once", async () => {
    const path = join(dir, "orch.db");
    const storage = sqliteStorage({ path });
    const runs: RunRecord[] = Array.from({ length: 400 }, (_, i) => ({
      runId: `run-${i}`,
      status: "QUEUED",
      assetKeys: ["a"],
      stepKeys: ["a"],
      tags: {},
      runConfig: {},
      createdAt: i,
    }));
    await storage.enqueueRuns(runs.map((run) => ({ run })));
    await storage.close();

    let readyCount = 0;
    let start!: () => void;
    const go = new Promise<void>((resolve) => (start = resolve));
    const ready = () => ++readyCount === 2 && start();
    const [first, second] = await Promise.all([claims(path, ready, go), claims(path, ready, go)]);
    const all = [...first!, ...second!];
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(runs.map((r) => r.runId).sort());

    const after = sqliteStorage({ path });
    expect(await after.getQueuedRuns()).toEqual([]);
    expect((await after.listRuns({ statuses: ["STARTING"], limit: 1_000 })).length).toBe(400);
    await after.close();
  });
});
