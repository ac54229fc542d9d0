import { asset, defineDefinitions, materialize } from "@orch/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startFakeSlack, type FakeSlack } from "../test/fake-slack.ts";
import { slackOnFailure, slackOnRunFailure, slackOnRunSuccess, slackResource } from "./index.ts";

let slack: FakeSlack | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await slack?.close();
  slack = undefined;
});

function pipeline(apiUrl: string, failing: boolean) {
  const orders = asset({ key: ["raw", "orders"], compute: () => [1, 2, 3] });
  const revenue = asset({
    key: "daily_revenue",
    ins: { orders },
    compute: ({ ins }) => {
      if (failing) throw new Error("revenue query timed out\nafter 30 s");
      return (ins.orders as number[]).length;
    },
  });
  return defineDefinitions({
    assets: [orders, revenue],
    resources: { slack: slackResource({ token: { env: "ORCH_E2E_SLACK_TOKEN" }, apiUrl }) },
    hooks: [slackOnFailure({ channel: "#steps" })],
    listeners: [slackOnRunFailure({ channel: "#runs", baseUrl: "http://orch.local" }), slackOnRunSuccess({ channel: "#wins" })],
  });
}

describe("Slack alerts in a real run", () => {
  it("posts a step alert and a run alert when an asset fails, through the slack resource", async () => {
    slack = await startFakeSlack();
    vi.stubEnv("ORCH_E2E_SLACK_TOKEN", "xoxb-e2e");
    const result = await materialize(pipeline(slack.apiUrl, true), { runId: "e2e-fail", jobName: "nightly" });
    expect(result.status).toBe("FAILURE");
    const posts = slack.requests.map((r) => ({ channel: r.body.channel, text: r.body.text, auth: r.headers.authorization }));
    expect(posts).toEqual([
      { channel: "#steps", text: "Step daily_revenue failed in run e2e-fail: revenue query timed out", auth: "Bearer xoxb-e2e" },
      {
        channel: "#runs",
        text: "Run e2e-fail (nightly) failed. 1 failed step: daily_revenue. http://orch.local/runs/e2e-fail",
        auth: "Bearer xoxb-e2e",
      },
    ]);
    const stored = JSON.stringify(await result.instance.getRun("e2e-fail"));
    expect(stored).not.toContain("xoxb-e2e");
  });

  it("posts the success alert, and a Slack outage leaves the run successful with a warning", async () => {
    slack = await startFakeSlack();
    vi.stubEnv("ORCH_E2E_SLACK_TOKEN", "xoxb-e2e");
    const ok = await materialize(pipeline(slack.apiUrl, false), { runId: "e2e-ok", selection: "*" });
    expect(ok.status).toBe("SUCCESS");
    expect(slack.requests.map((r) => r.body.text)).toEqual(["Run e2e-ok (*) succeeded."]);
    await slack.close();

    slack = await startFakeSlack(() => ({ status: 503, body: "down" }));
    const down = await materialize(pipeline(slack.apiUrl, false), { runId: "e2e-down" });
    expect(down.status).toBe("SUCCESS");
    const warnings = (await down.instance.getEvents("e2e-down")).filter((e) => e.type === "LOG" && e.level === "warn");
    expect(warnings.map((e) => (e.type === "LOG" ? e.message : ""))).toEqual([
      expect.stringMatching(/^\[slack\] Could not post the run e2e-down success alert to #wins: /),
    ]);
  });
});
