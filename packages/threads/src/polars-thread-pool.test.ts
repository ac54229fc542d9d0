import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { fixture } from "./test-helpers.ts";

// Why the executor has no Polars thread option: Polars' pool belongs to the process, sized once from the process's
// environment, and shared by every worker thread; a worker's `env` is a JavaScript copy that native code never reads.
describe.runIf(process.platform === "linux")("Polars on worker threads", () => {
  it("uses one Polars pool for the whole process, sized by the process's POLARS_MAX_THREADS, not by a worker's env", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--conditions=@orch/source", fixture("run-polars-pool.ts")], {
      env: { ...process.env, POLARS_MAX_THREADS: "1" },
    });
    const report = JSON.parse(stdout.trim().split("\n").at(-1)!) as { status: string; seen: { groups: number; polarsThreads: number; mainThread: boolean }[] };
    expect(report.status).toBe("SUCCESS");
    // Two steps on two workers, each asked for 3 Polars threads through `env`: one pool of 1 thread in all.
    expect(report.seen).toEqual([
      { groups: 10_007, polarsThreads: 1, mainThread: false },
      { groups: 10_007, polarsThreads: 1, mainThread: false },
    ]);
  });
});
