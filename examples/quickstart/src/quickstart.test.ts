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
    const result = await materialize(definitions, { instance, partitionRange: { start: "2024-03-01", end: "2024-03-07" } });
    expect(result.status).toBe("SUCCESS");
    const revenueDays = (await instance.getAssetIndex(["marts/daily_revenue"], { byPartition: true })).map((e) => e.partition);
    expect(revenueDays).toHaveLength(7);
    // The marts live in the DuckDB warehouse: one row per day, and a second run replaces each day's slice.
    const again = await materialize(definitions, { instance, selection: "+marts/daily_revenue", partitionRange: { start: "2024-03-01", end: "2024-03-07" } });
    expect(again.status, JSON.stringify((await instance.getEvents(again.runId)).filter((e) => e.type === "STEP_FAILURE"))).toBe("SUCCESS");
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const warehouse = await DuckDBInstance.create(process.env.QUICKSTART_WAREHOUSE!, { access_mode: "READ_ONLY" });
    const connection = await warehouse.connect();
    const rows = (await connection.runAndReadAll("SELECT count(*)::INTEGER AS days, count(DISTINCT day)::INTEGER AS distinct_days, sum(purchases)::INTEGER AS purchases FROM marts.daily_revenue")).getRowObjectsJS();
    connection.closeSync();
    warehouse.closeSync();
    expect(rows).toEqual([{ days: 7, distinct_days: 7, purchases: expect.any(Number) }]);
    expect(rows[0]!.purchases).toBeGreaterThan(0);
    const check = (await instance.getAssetEvents("staging/cleaned_events", ["ASSET_CHECK_EVALUATION"]))[0];
    expect(check).toMatchObject({ checkName: "unique_event_ids", passed: true, blocking: true, metadata: { duplicates: 0 } });
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
      materialize(definitions, { partitionKey: "2024-03-01", runConfig: { assets: { "staging/cleaned_events": { config: { dropUnknownTypes: "yes" } } } } }),
    ).rejects.toThrowError(/assets\.staging\/cleaned_events\.config\.dropUnknownTypes: .*boolean/);
  });
});

describe("quickstart's blocking check", () => {
  it("stops the marts and the report when cleaning lets duplicates through", async () => {
    const { cleanedEvents, dailyActiveUsers, funnel, rawEvents, uniqueEventIds, weeklyReport } = await import("./assets.ts");
    const { eventFeed, reportsDir } = await import("./resources.ts");
    const { asset, defineDefinitions } = await import("@orch/core");
    // A broken cleaning step that forgets to deduplicate, under the same key.
    const { toCleanFrame } = await import("./assets.ts");
    // A broken cleaning step that forgets to deduplicate, under the same key and without the schema.
    const brokenCleaning = asset({
      key: ["staging", "cleaned_events"],
      ins: { raw: rawEvents },
      compute: ({ ins }) => toCleanFrame(ins.raw.filter((e) => e.user_id !== null && !Number.isNaN(Date.parse(e.ts)))),
    });
    void cleanedEvents;
    const defs = defineDefinitions({
      assets: [rawEvents, brokenCleaning, dailyActiveUsers, funnel, weeklyReport],
      checks: [uniqueEventIds],
      resources: { feed: eventFeed({ path: new URL("../data/events.ndjson", import.meta.url).pathname }), reports: reportsDir({ dir }) },
    });
    const instance = memoryStorage();
    const result = await materialize(defs, { instance });
    expect(result.status).toBe("FAILURE");
    const events = await instance.getEvents(result.runId);
    expect(events.filter((e) => e.type === "STEP_SKIPPED").map((e) => e.stepKey).sort()).toEqual(["marts/daily_active_users", "marts/funnel", "reports/weekly_report"]);
    const evaluation = events.find((e) => e.type === "ASSET_CHECK_EVALUATION");
    expect(evaluation).toMatchObject({ passed: false, metadata: { duplicates: expect.any(Number) } });
  });
});

describe("quickstart's frame schema", () => {
  it("catches a bad cleaned table at the step boundary, stores nothing, and says what is wrong", async () => {
    const { rawEvents, CleanEvents, toCleanFrame } = await import("./assets.ts");
    const { eventFeed } = await import("./resources.ts");
    const { asset, defineDefinitions, memoryIOManager } = await import("@orch/core");
    // Cleaning that keeps unknown event types and refunds as negative amounts violates the schema.
    const sloppy = asset({
      key: ["staging", "cleaned_events"],
      ins: { raw: rawEvents },
      output: CleanEvents,
      compute: ({ ins }) =>
        toCleanFrame(
          [...new Map(ins.raw.filter((e) => e.user_id !== null && !Number.isNaN(Date.parse(e.ts))).map((e) => [e.event_id, e])).values()].map((e, i) =>
            i === 0 ? { ...e, type: "purchase", amount: -12.5 } : e,
          ),
        ),
    });
    const io = memoryIOManager();
    const defs = defineDefinitions({ assets: [rawEvents, sloppy], resources: { feed: eventFeed({ path: new URL("../data/events.ndjson", import.meta.url).pathname }) } });
    const instance = memoryStorage();
    const result = await materialize(defs, { instance, defaultIOManager: io });
    expect(result.status).toBe("FAILURE");
    const events = await instance.getEvents(result.runId);
    const check = events.find((e) => e.type === "STEP_OUTPUT_TYPE_CHECK");
    expect(check).toMatchObject({ stepKey: "staging/cleaned_events", typeName: "CleanEvents", success: false, severity: "error" });
    const failure = events.find((e) => e.type === "STEP_FAILURE");
    const message = failure?.type === "STEP_FAILURE" ? failure.error.message : "";
    expect(message).toContain('Asset "staging/cleaned_events" failed type check CleanEvents (nothing was stored)');
    expect(message).toMatch(/type\s+isin\("page_view".*\s+error\s+24\s+"debug_ping"/);
    expect(message).toMatch(/amount\s+>= 0\s+error\s+1\s+-12\.5/);
    expect(events.some((e) => e.type === "ASSET_MATERIALIZATION" && e.assetKey.join("/") === "staging/cleaned_events")).toBe(false);
    expect(await io.hasOutput!({ runId: result.runId, stepKey: "staging/cleaned_events", outputName: "result", assetKey: ["staging", "cleaned_events"], definitionMetadata: {}, log: console as never })).toBe(false);
  });
});
