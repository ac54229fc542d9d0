import type { OrchEvent } from "@orch/core";
import { afterEach, describe, expect, it } from "vitest";
import { collectingLog, makeRun } from "../test/contexts.ts";
import { startFakeSlack, type FakeSlack } from "../test/fake-slack.ts";
import { slackOnAssetCheckFailure } from "./slack-on-asset-check-failure.ts";

let slack: FakeSlack | undefined;
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});

function check(checkName: string, passed: boolean, severity: "error" | "warn"): OrchEvent {
  return {
    type: "ASSET_CHECK_EVALUATION",
    runId: "run-1",
    timestamp: 1,
    stepKey: "raw/orders",
    assetKey: ["raw", "orders"],
    checkName,
    passed,
    severity,
    blocking: severity === "error",
    partition: "2024-05-01",
    description: "amount must be >= 0",
    metadata: { failing_rows: 3, sample: { type: "json", value: [1] } },
  };
}

describe("slackOnAssetCheckFailure", () => {
  it("posts one message per failed check of the chosen severities, and the run end waits for them", async () => {
    slack = await startFakeSlack();
    const listener = slackOnAssetCheckFailure({ channel: "#quality", token: "t", apiUrl: slack.apiUrl, severities: ["error"] });
    const { log, lines } = collectingLog();
    const events = [check("non_negative", false, "error"), check("fresh", true, "error"), check("no_dupes", false, "warn")];
    for (const event of events) await listener.onEvent?.(event, { log, resources: {} });
    await listener.onRunEnd?.(makeRun(), { log, resources: {} });
    expect(lines).toEqual([]);
    expect(slack.requests).toHaveLength(1);
    expect(slack.requests[0]?.body.text).toBe("Asset check non_negative on raw/orders (partition 2024-05-01) failed (error) in run run-1.");
    const json = JSON.stringify(slack.requests[0]?.body.blocks);
    expect(json).toContain("*failing_rows*\\n3");
    expect(json).toContain("amount must be &gt;= 0");
    expect(json).not.toContain("sample");
  });

  it("does not hold up onEvent while Slack is slow, and warns when it never answers", async () => {
    slack = await startFakeSlack(() => "hang");
    const listener = slackOnAssetCheckFailure({ channel: "#quality", token: "t", apiUrl: slack.apiUrl, timeoutMs: 300, retries: 0 });
    const { log, lines } = collectingLog();
    const before = Date.now();
    await listener.onEvent?.(check("non_negative", false, "warn"), { log, resources: {} });
    expect(Date.now() - before).toBeLessThan(100);
    await listener.onRunEnd?.(makeRun(), { log, resources: {} });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.message).toContain("asset check raw/orders:non_negative failure");
    expect(Date.now() - before).toBeLessThan(1_000);
  });
});
