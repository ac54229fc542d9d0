import { describe, expect, it } from "vitest";
import { failedRunEvents, makeRun } from "../test/contexts.ts";
import { buildAssetCheckFailureMessage, buildRunFailureMessage, buildRunSuccessMessage, buildStepFailureMessage } from "./messages.ts";
import { runUrlBuilder, summarizeRun } from "./run-summary.ts";

const runUrl = runUrlBuilder({ baseUrl: "https://orch.example.com/" });

describe("summarizeRun", () => {
  it("collects failed steps with their errors, the partition and the duration", () => {
    const summary = summarizeRun(makeRun(), failedRunEvents(), runUrl);
    expect(summary).toMatchObject({
      runId: "run-1",
      status: "FAILURE",
      jobName: "daily_sales",
      partitionKey: "2024-05-01",
      durationMs: 4200,
      reason: "1 step failed",
      runUrl: "https://orch.example.com/runs/run-1",
    });
    expect(summary.failedSteps).toHaveLength(1);
    expect(summary.failedSteps[0]?.stepKey).toBe("raw/orders");
    expect(summary.failedSteps[0]?.error?.message).toContain("connection refused");
  });

  it("shows the run's own error when no step failed", () => {
    const events = [{ type: "RUN_FAILURE" as const, runId: "r", timestamp: 1, durationMs: 5, reason: "resource setup failed", failedSteps: [], error: { name: "OrchError", message: "bad token", code: "RESOURCE_SETUP_FAILED" } }];
    const summary = summarizeRun(makeRun({ runId: "r" }), events);
    expect(summary.failedSteps).toEqual([{ stepKey: "(run)", error: events[0]!.error }]);
  });
});

describe("buildRunFailureMessage", () => {
  const message = buildRunFailureMessage(summarizeRun(makeRun(), failedRunEvents(), runUrl));

  it("has a plain-text fallback naming the run, job, partition, failed steps and link", () => {
    expect(message.text).toBe(
      "Run run-1 (daily_sales partition 2024-05-01) failed. 1 failed step: raw/orders. https://orch.example.com/runs/run-1",
    );
  });

  it("lays out header, run fields, the error's first lines and a link button in Block Kit", () => {
    const blocks = message.blocks ?? [];
    expect(blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: "🔴 Run failed: daily_sales", emoji: true } });
    expect(JSON.stringify(blocks[1])).toContain("<https://orch.example.com/runs/run-1|run-1>");
    expect(JSON.stringify(blocks[1])).toContain("2024-05-01");
    expect(JSON.stringify(blocks[1])).toContain("4.2 s");
    const error = JSON.stringify(blocks[3]);
    expect(error).toContain("Error: connection refused: warehouse.example:5432");
    expect(error).toContain("line 5");
    expect(error).not.toContain("line 6");
    expect(error).toContain("2 more lines");
    expect(blocks.at(-1)).toMatchObject({ type: "actions", elements: [{ type: "button", url: "https://orch.example.com/runs/run-1" }] });
  });

  it("escapes Slack control characters and counts failed steps beyond the first five", () => {
    const events = Array.from({ length: 8 }, (_, i) => ({
      type: "STEP_FAILURE" as const,
      runId: "r",
      timestamp: i,
      stepKey: `step_${i}`,
      durationMs: 1,
      attempt: 1,
      error: { name: "Error", message: "expected <5 rows & got 7" },
    }));
    const built = buildRunFailureMessage(summarizeRun(makeRun({ runId: "r", jobName: undefined, selection: "tag:nightly" }), events));
    const json = JSON.stringify(built.blocks);
    expect(json).toContain("expected &lt;5 rows &amp; got 7");
    expect(json).toContain("… and 3 more failed steps");
    expect(built.blocks?.[0]).toMatchObject({ text: { text: "🔴 Run failed: tag:nightly" } });
    expect(built.blocks?.some((b) => b.type === "actions")).toBe(false);
  });
});

describe("other builders", () => {
  it("builds the success, step failure and asset check messages", () => {
    const success = buildRunSuccessMessage(summarizeRun(makeRun({ status: "SUCCESS" }), [], runUrl));
    expect(success.text).toBe("Run run-1 (daily_sales partition 2024-05-01) succeeded. https://orch.example.com/runs/run-1");

    const step = buildStepFailureMessage({
      runId: "run-9",
      stepKey: "raw/orders",
      assetKeys: ["raw/orders"],
      partitionKey: "2024-05-02",
      error: { name: "TypeError", message: "x is undefined\nat line 2" },
    });
    expect(step.text).toBe("Step raw/orders (partition 2024-05-02) failed in run run-9: x is undefined");
    expect(JSON.stringify(step.blocks)).toContain("TypeError: x is undefined");

    const check = buildAssetCheckFailureMessage({
      runId: "run-9",
      assetKey: "raw/orders",
      checkName: "no_nulls",
      severity: "warn",
      blocking: false,
      metadata: { null_rows: 12 },
    });
    expect(check.text).toBe("Asset check no_nulls on raw/orders failed (warn) in run run-9.");
    expect(JSON.stringify(check.blocks)).toContain("*null_rows*\\n12");
  });

  it("keeps header text within Slack's 150-character limit", () => {
    const long = buildRunFailureMessage(summarizeRun(makeRun({ jobName: "j".repeat(400) }), failedRunEvents()));
    const header = long.blocks?.[0];
    expect(header?.type === "header" && header.text.text.length).toBe(150);
  });
});
