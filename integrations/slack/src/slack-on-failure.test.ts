import type { HookContext } from "@orch/core";
import { afterEach, describe, expect, it } from "vitest";
import { collectingLog, makeRun } from "../test/contexts.ts";
import { startFakeSlack, type FakeSlack } from "../test/fake-slack.ts";
import { slackOnFailure } from "./slack-on-failure.ts";

let slack: FakeSlack | undefined;
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});

function hookContext(overrides: Partial<HookContext> = {}) {
  const collected = collectingLog();
  const context: HookContext = {
    run: makeRun({ status: "STARTED", jobName: undefined, selection: "+daily_revenue" }),
    stepKey: "raw/orders",
    assetKeys: [["raw", "orders"]],
    partitionKey: "2024-05-03",
    error: { name: "OrchError", code: "TYPE_CHECK_FAILED", message: "column amount: 3 values below 0\nfirst: -1, -5, -2" },
    resources: {},
    log: collected.log,
    ...overrides,
  };
  return { context, lines: collected.lines };
}

describe("slackOnFailure", () => {
  it("is a failure hook that posts the step, assets, partition and the error's first lines", async () => {
    slack = await startFakeSlack();
    const hook = slackOnFailure({ channel: "#alerts", token: "xoxb-hook", apiUrl: slack.apiUrl, baseUrl: "http://orch.local:3000" });
    expect(hook).toMatchObject({ kind: "orch.hook", on: "failure", name: "slack_on_failure" });
    expect(hook.resources).toBeUndefined();
    const { context, lines } = hookContext();
    await hook.run(context);
    expect(lines).toEqual([]);
    const [request] = slack.requests;
    expect(request?.path).toBe("/api/chat.postMessage");
    expect(request?.body.text).toBe(
      "Step raw/orders (partition 2024-05-03) failed in run run-1: column amount: 3 values below 0 http://orch.local:3000/runs/run-1",
    );
    const json = JSON.stringify(request?.body.blocks);
    expect(json).toContain("OrchError [TYPE_CHECK_FAILED]: column amount: 3 values below 0\\nfirst: -1, -5, -2");
    expect(json).toContain("*Selection*\\n+daily_revenue");
    expect(json).toContain("*Assets*\\nraw/orders");
  });

  it("declares and uses a custom resource key when no token is given", async () => {
    slack = await startFakeSlack();
    const hook = slackOnFailure({ channel: "#alerts", resourceKey: "chat", message: (s) => ({ text: `boom in ${s.stepKey}` }) });
    expect(hook.resources).toEqual(["chat"]);
    const { WebClient } = await import("@slack/web-api");
    const { context } = hookContext({ resources: { chat: new WebClient("xoxb-r", { slackApiUrl: slack.apiUrl }) } });
    await hook.run(context);
    expect(slack.requests[0]?.body).toEqual({ channel: "#alerts", text: "boom in raw/orders" });
  });

  it("logs a warning instead of throwing when the resource is missing or the message function throws", async () => {
    const hook = slackOnFailure({ channel: "#alerts" });
    const missing = hookContext();
    await expect(hook.run(missing.context)).resolves.toBeUndefined();
    expect(missing.lines[0]?.message).toContain('expects a Slack client under resource "slack"');

    slack = await startFakeSlack();
    const broken = slackOnFailure({
      channel: "#alerts",
      token: "t",
      apiUrl: slack.apiUrl,
      message: () => {
        throw new Error("template bug");
      },
    });
    const thrown = hookContext();
    await broken.run(thrown.context);
    expect(thrown.lines).toEqual([{ level: "warn", message: "[slack] Could not post the step raw/orders failure alert to #alerts: template bug" }]);
    expect(slack.requests).toHaveLength(0);
  });
});
