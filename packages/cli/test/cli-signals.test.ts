import { readFileSync } from "node:fs";
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

  it("after SIGKILL mid-run no acknowledged event is lost, the run is marked FAILURE, and --from-failure completes", async () => {
    const project = await tempProject("module: ./defs.ts\nruns:\n  heartbeatMs: 100\n  staleAfterMs: 1000\n");
    const child = project.spawn(["materialize", "--select", "raw/orders+", "--log-format", "json"], { SLOW: "total" });
    const done = collect(child);
    await waitForOutput(child, '"stepKey":"total","type":"STEP_START"');
    // Mid-run: "total" is sleeping inside its compute.
    await new Promise((r) => setTimeout(r, 500));
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

    await new Promise((r) => setTimeout(r, 1200));
    const listed = await project.run(["runs", "list"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).toContain(`Run ${runId} was marked FAILURE: run worker exited unexpectedly`);

    const instance = project.instance();
    try {
      const stored = await instance.getEvents(runId);
      const storedKeys = stored.map((e) => `${e.type}:${e.stepKey ?? ""}:${e.timestamp}`);
      for (const event of acknowledged) expect(storedKeys).toContain(`${event.type}:${event.stepKey ?? ""}:${(event as unknown as { timestamp: number }).timestamp}`);
      expect(stored.slice(-2)).toMatchObject([
        { type: "STEP_FAILURE", stepKey: "total" },
        { type: "RUN_FAILURE", reason: "run worker exited unexpectedly", failedSteps: ["total"] },
      ]);
      expect(await instance.getRun(runId)).toMatchObject({ status: "FAILURE", statusReason: "run worker exited unexpectedly" });
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
});
