import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { materialize, memoryStorage } from "@orch/core";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "orch-quickstart-"));
  process.env.QUICKSTART_REPORTS_DIR = dir;
});
afterEach(async () => {
  delete process.env.QUICKSTART_REPORTS_DIR;
  await rm(dir, { recursive: true, force: true });
});

describe("quickstart", () => {
  it("materializes raw → cleaned → aggregates → report, retrying the flaky feed once", async () => {
    const { default: definitions } = await import("./definitions.ts");
    const instance = memoryStorage();
    const result = await materialize(definitions, { instance });
    expect(result.status).toBe("SUCCESS");
    const events = await instance.getEvents(result.runId);
    expect(events.filter((e) => e.type === "STEP_RETRY").map((e) => e.stepKey)).toEqual(["raw/events"]);
    const cleaned = events.find((e) => e.type === "ASSET_MATERIALIZATION" && e.assetKey.join("/") === "staging/cleaned_events");
    expect(cleaned?.type === "ASSET_MATERIALIZATION" && cleaned.metadata).toMatchObject({ duplicate: expect.any(Number), noUser: expect.any(Number) });
    const report = await readFile(join(dir, "weekly_report.md"), "utf8");
    expect(report).toContain("| 2024-03-01 |");
    expect(report).toMatch(/Revenue: \$\d+\.\d{2}/);
    expect(report).toContain(result.runId);
  });

  it("refuses bad run config before anything runs", async () => {
    const { default: definitions } = await import("./definitions.ts");
    await expect(
      materialize(definitions, { runConfig: { assets: { "staging/cleaned_events": { config: { dropUnknownTypes: "yes" } } } } }),
    ).rejects.toThrowError(/assets\.staging\/cleaned_events\.config\.dropUnknownTypes: .*boolean/);
  });
});
