import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempProject } from "./fixture.ts";

describe("orch materialize / job run / reexecute", () => {
  it("materializes everything on SQLite + fs IO and prints plain progress in CI", async () => {
    const project = await tempProject();
    const result = await project.run(["materialize", "--select", "raw/orders+", "--tag", "owner=ana"]);
    expect(result.code, result.stderr).toBe(0);
    const [runId, status] = result.stdout.trim().split(" ");
    expect(status).toBe("SUCCESS");
    expect(result.stderr).not.toMatch(/\x1b\[/);
    expect(result.stderr).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z {2}run .* started: 3 steps$/m);
    expect(result.stderr).toMatch(/Z {2}raw\/orders {2}INFO fetched 3 orders$/m);

    const instance = project.instance();
    try {
      const run = await instance.getRun(runId!);
      expect(run).toMatchObject({ status: "SUCCESS", selection: "raw/orders+", tags: { owner: "ana" }, stepKeys: ["raw/orders", "total", "report"] });
      const types = (await instance.getEvents(runId!)).map((e) => e.type);
      expect(types[0]).toBe("RUN_START");
      expect(types.at(-1)).toBe("RUN_SUCCESS");
      expect(types.filter((t) => t === "ASSET_MATERIALIZATION")).toHaveLength(3);
    } finally {
      await instance.close();
    }
    expect(existsSync(join(project.dir, ".orch", "storage", "report.json"))).toBe(true);
  });

  it("exits 1 when a step fails, shows the error, and re-executes from failure without re-running succeeded steps", async () => {
    const project = await tempProject();
    const failed = await project.run(["materialize", "--select", "raw/orders+"], { FAIL_TOTAL: "1" });
    expect(failed.code).toBe(1);
    const parentId = failed.stdout.trim().split(" ")[0]!;
    expect(failed.stdout.trim()).toBe(`${parentId} FAILURE`);

    const shown = await project.run(["runs", "show", parentId]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Run ${parentId}  FAILURE`);
    expect(shown.stdout).toMatch(/STEP_FAILURE\s+total\s+failed after \d+ms: Error: total is broken/);
    expect(shown.stdout).toMatch(/STEP_SKIPPED\s+report\s+skipped: upstream step "total" failed/);

    const retried = await project.run(["reexecute", parentId, "--from-failure"]);
    expect(retried.code, retried.stderr).toBe(0);
    const childId = retried.stdout.trim().split(" ")[0]!;
    const instance = project.instance();
    try {
      const starts = (await instance.getEvents(childId, { types: ["STEP_START"] })).map((e) => e.stepKey);
      expect(starts).toEqual(["total", "report"]);
      expect(await instance.getRun(childId)).toMatchObject({ status: "SUCCESS", parentRunId: parentId, rootRunId: parentId });
    } finally {
      await instance.close();
    }

    const again = await project.run(["reexecute", childId, "--from-failure"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`Nothing to re-execute: run "${childId}" succeeded`);
    const listed = await project.run(["runs", "list", "--status", "FAILURE"]);
    expect(listed.stdout.split("\n").filter((l) => l.includes("FAILURE"))).toHaveLength(1);
  });

  it("runs a job by name with its tags and refuses an unknown job", async () => {
    const project = await tempProject();
    const result = await project.run(["job", "run", "sales_job"]);
    expect(result.code, result.stderr).toBe(0);
    const runId = result.stdout.trim().split(" ")[0]!;
    const instance = project.instance();
    try {
      expect(await instance.getRun(runId)).toMatchObject({ jobName: "sales_job", tags: { team: "sales" }, stepKeys: ["raw/orders", "total"] });
    } finally {
      await instance.close();
    }
    const unknown = await project.run(["job", "run", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown job "nope". Jobs: sales_job.');
  });

  it("materializes one partition and a range, and counts partition status in asset list and show", async () => {
    const project = await tempProject();
    expect((await project.run(["materialize", "--select", "regional", "--partition", "eu"])).code).toBe(0);
    expect((await project.run(["materialize", "--select", "regional", "--partition", "us"], { FAIL_REGION: "us" })).code).toBe(1);
    const partial = await project.run(["asset", "list"]);
    expect(partial.stdout).toMatch(/^regional\s+default\s+-\s+\S+ \S+Z\s+1\/3 materialized, 1 failed, 1 missing$/m);
    expect((await project.run(["asset", "show", "regional"])).stdout).toContain("1/3 materialized, 1 failed, 1 missing");
    expect((await project.run(["materialize", "--select", "regional", "--partition-range", "us..apac"])).code).toBe(0);
    const listed = await project.run(["asset", "list"]);
    expect(listed.stdout).toMatch(/^regional\s+default\s+-\s+\S+ \S+Z\s+3\/3 materialized, 0 failed, 0 missing$/m);
    expect(listed.stdout).toMatch(/^report\s+reporting\s+\S+\s+-\s+-$/m);
  });
});
