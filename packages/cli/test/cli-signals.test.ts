import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collect, DEFS, tempProject, waitForOutput } from "./fixture.ts";

describe("orch and process signals", () => {
  it("Ctrl-C cancels the run cleanly: CANCELED, resources torn down, exit 130", async () => {
    const project = await tempProject();
    const marker = join(project.dir, "teardown.txt");
    const child = project.spawn(["materialize", "--select", "raw/orders+"], { SLOW: "total", MARKER: marker });
    const done = collect(child);
    await waitForOutput(child, "total  started");
    child.kill("SIGINT");
    const result = await done;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain("Canceling the run");
    const runId = result.stdout.trim().split(" ")[0]!;
    expect(result.stdout.trim()).toBe(`${runId} CANCELED`);
    expect(readFileSync(marker, "utf8")).toBe("torn down");
    const instance = project.instance();
    try {
      expect((await instance.getRun(runId))?.status).toBe("CANCELED");
      const last = (await instance.getEvents(runId)).at(-1);
      expect(last).toMatchObject({ type: "RUN_CANCELED", reason: "Canceled with Ctrl-C (SIGINT)." });
    } finally {
      await instance.close();
    }
  });

  it("a second Ctrl-C exits at once with 130", async () => {
    // A step that ignores cancellation keeps the run going after the first Ctrl-C.
    const defs = DEFS.replace("await sleep(60_000, undefined, { signal })", "await sleep(60_000)");
    const stubborn = await tempProject("module: ./defs.ts\n", defs);
    const child = stubborn.spawn(["materialize", "--select", "raw/orders"], { SLOW: "raw/orders" });
    const done = collect(child);
    await waitForOutput(child, "raw/orders  started");
    child.kill("SIGINT");
    await waitForOutput(child, "Canceling the run");
    child.kill("SIGINT");
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stdout).toBe("");
  });

  it("after SIGKILL mid-run no acknowledged event is lost, the run is marked FAILURE at once (default 30 s stale window), and --from-failure completes", async () => {
    const project = await tempProject();
    const child = project.spawn(["materialize", "--select", "raw/orders+", "--log-format", "json"], { SLOW: "total" });
    const done = collect(child);
    await waitForOutput(child, '"stepKey":"total","type":"STEP_START"');
    // Mid-run: "total" is sleeping inside its compute.
    await new Promise((r) => setTimeout(r, 500));
    const killedAt = Date.now();
    child.kill("SIGKILL");
    const killed = await done;
    expect(killed.signal).toBe("SIGKILL");
    // The bus acknowledges events at durable points (step and run ends): everything printed up to the last
    // printed durable point was acknowledged as durable before the kill.
    const printed = killed.stderr.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { runId: string; type: string; stepKey?: string });
    const lastDurable = printed.findLastIndex((e) => ["RUN_START", "STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"].includes(e.type));
    const acknowledged = printed.slice(0, lastDurable + 1);
    expect(acknowledged.map((e) => e.type)).toContain("STEP_SUCCESS");
    const runId = printed[0]!.runId;

    // No waiting for the heartbeat to go stale: on this host a dead pid is proof.
    const listed = await project.run(["runs", "list"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).toContain(`Run ${runId} was marked FAILURE: run worker exited unexpectedly (its process ${child.pid} on this host is gone)`);

    const instance = project.instance();
    try {
      const stored = await instance.getEvents(runId);
      const storedKeys = stored.map((e) => `${e.type}:${e.stepKey ?? ""}:${e.timestamp}`);
      for (const event of acknowledged) expect(storedKeys).toContain(`${event.type}:${event.stepKey ?? ""}:${(event as unknown as { timestamp: number }).timestamp}`);
      expect(stored.slice(-2)).toMatchObject([
        { type: "STEP_FAILURE", stepKey: "total" },
        { type: "RUN_FAILURE", reason: "run worker exited unexpectedly", failedSteps: ["total"] },
      ]);
      const crashed = await instance.getRun(runId);
      expect(crashed).toMatchObject({ status: "FAILURE", statusReason: "run worker exited unexpectedly" });
      // It ended at its last sign of life (heartbeat or event), before it was killed, not when it was noticed.
      expect(crashed!.endedAt!).toBeLessThanOrEqual(killedAt);
      expect(crashed!.endedAt!).toBeGreaterThanOrEqual(Math.max(...acknowledged.map((e) => (e as unknown as { timestamp: number }).timestamp)));
    } finally {
      await instance.close();
    }

    const retried = await project.run(["reexecute", runId, "--from-failure"]);
    expect(retried.code, retried.stderr).toBe(0);
    const childId = retried.stdout.trim().split(" ")[0]!;
    const after = project.instance();
    try {
      expect((await after.getEvents(childId, { types: ["STEP_START"] })).map((e) => e.stepKey)).toEqual(["total", "report"]);
    } finally {
      await after.close();
    }
  });

  it("a step that blocks its event loop far longer than the stale window, under load, is not declared dead", async () => {
    // The step blocks its event loop until the test, having run another orch command meanwhile, lets it go.
    const defs = `
import { existsSync } from "node:fs";
import { asset, defineDefinitions } from "@orch/core";
const blocking = asset({ key: "blocking", compute: () => {
  process.stderr.write("blocking now\\n");
  while (!existsSync(process.env.RELEASE!)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  return 1;
} });
const after = asset({ key: "after", ins: { blocking }, compute: ({ ins }) => (ins.blocking as number) + 1 });
export default defineDefinitions({ assets: [blocking, after] });
`;
    const project = await tempProject("module: ./defs.ts\nruns:\n  heartbeatMs: 100\n  staleAfterMs: 500\n", defs);
    // Load: a busy process on each core while the step blocks.
    const burners = [0, 1].map(() => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
    try {
      const release = join(project.dir, "release");
      const child = project.spawn(["materialize", "--log-format", "json"], { RELEASE: release });
      const done = collect(child);
      await waitForOutput(child, "blocking now");
      await new Promise((r) => setTimeout(r, 1000));
      // Other orch commands open the instance (running crash detection) while the step blocks; re-executing the
      // live run is refused, so no second run materializes the same assets meanwhile.
      const listed = await project.run(["runs", "list"]);
      const reader = project.instance();
      const [live] = await reader.listRuns().finally(() => reader.close());
      const retried = await project.run(["reexecute", live!.runId, "--from-failure"]);
      writeFileSync(release, "");
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stderr).not.toContain("was marked FAILURE");
      expect(retried.code).toBe(2);
      expect(retried.stderr).toContain(`Run "${live!.runId}" is still STARTED`);
      const result = await done;
      expect(result.code, result.stderr).toBe(0);
      const runId = result.stdout.trim().split(" ")[0]!;
      const instance = project.instance();
      try {
        expect(await instance.getRun(runId)).toMatchObject({ status: "SUCCESS" });
        const types = (await instance.getEvents(runId)).map((e) => e.type);
        expect(types).not.toContain("STEP_FAILURE");
        expect(types.filter((t) => t.startsWith("RUN_") && t !== "RUN_START")).toEqual(["RUN_SUCCESS"]);
      } finally {
        await instance.close();
      }
    } finally {
      for (const burner of burners) burner.kill("SIGKILL");
    }
  }, 120_000);
});
