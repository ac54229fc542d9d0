import { WebClient } from "@slack/web-api";
import { afterEach, describe, expect, it } from "vitest";
import { collectingLog, failedRunEvents, makeRun } from "../test/contexts.ts";
import { startFakeSlack, type FakeSlack } from "../test/fake-slack.ts";
import { slackOnRunFailure, slackOnRunSuccess } from "./slack-run-listeners.ts";
import type { RunListener, RunRecord } from "@orch/core";

let slack: FakeSlack | undefined;
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});

async function driveRun(listener: RunListener, run: RunRecord, events = failedRunEvents(run.runId), resources: Record<string, unknown> = {}) {
  const { log, lines } = collectingLog();
  for (const event of events) await listener.onEvent?.(event, { log, resources });
  const started = Date.now();
  await listener.onRunEnd?.(run, { log, resources });
  return { lines, elapsedMs: Date.now() - started };
}

describe("slackOnRunFailure", () => {
  it("posts one Block Kit message with a fallback text to chat.postMessage, with the bearer token", async () => {
    slack = await startFakeSlack();
    const listener = slackOnRunFailure({ channel: "#data-alerts", token: "xoxb-test", apiUrl: slack.apiUrl, baseUrl: "https://orch.example.com" });
    expect(listener.resources).toBeUndefined();
    const { lines } = await driveRun(listener, makeRun());
    expect(lines).toEqual([]);
    expect(slack.requests).toHaveLength(1);
    const request = slack.requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/api/chat.postMessage");
    expect(request.headers.authorization).toBe("Bearer xoxb-test");
    expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(request.body.channel).toBe("#data-alerts");
    expect(request.body.text).toBe(
      "Run run-1 (daily_sales partition 2024-05-01) failed. 1 failed step: raw/orders. https://orch.example.com/runs/run-1",
    );
    const blocks = request.body.blocks as { type: string }[];
    expect(blocks.map((b) => b.type)).toEqual(["header", "section", "section", "section", "actions"]);
    expect(JSON.stringify(blocks)).toContain("connection refused: warehouse.example:5432");
  });

  it("stays quiet for successful runs and forgets their events", async () => {
    slack = await startFakeSlack();
    const listener = slackOnRunFailure({ channel: "#a", token: "xoxb-test", apiUrl: slack.apiUrl });
    await driveRun(listener, makeRun({ status: "SUCCESS" }), []);
    expect(slack.requests).toHaveLength(0);
  });

  it("uses the slack resource when no token is given, and a custom message function", async () => {
    slack = await startFakeSlack();
    const listener = slackOnRunFailure({
      channel: "C0123",
      message: (summary) => `${summary.failedSteps.length} step(s) broke in ${summary.runId}`,
    });
    expect(listener.resources).toEqual(["slack"]);
    const client = new WebClient("xoxb-resource", { slackApiUrl: slack.apiUrl });
    await driveRun(listener, makeRun({ runId: "run-7" }), failedRunEvents("run-7"), { slack: client });
    expect(slack.requests[0]?.headers.authorization).toBe("Bearer xoxb-resource");
    expect(slack.requests[0]?.body).toEqual({ channel: "C0123", text: "1 step(s) broke in run-7" });
  });

  it("resolves an { env } token when it first posts, and warns when the variable is missing", async () => {
    slack = await startFakeSlack();
    const listener = slackOnRunFailure({ channel: "#a", token: { env: "ORCH_TEST_SLACK_TOKEN_UNSET" }, apiUrl: slack.apiUrl });
    const { lines } = await driveRun(listener, makeRun());
    expect(slack.requests).toHaveLength(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe("warn");
    expect(lines[0]?.message).toContain("ORCH_TEST_SLACK_TOKEN_UNSET");
  });

  it("waits out a 429 with retry-after and then succeeds", async () => {
    slack = await startFakeSlack((index) =>
      index === 0 ? { status: 429, headers: { "retry-after": "1" }, body: { ok: false, error: "ratelimited" } } : { status: 200, body: { ok: true } },
    );
    const listener = slackOnRunFailure({ channel: "#a", token: "xoxb-test", apiUrl: slack.apiUrl });
    const { lines } = await driveRun(listener, makeRun());
    expect(lines).toEqual([]);
    expect(slack.requests).toHaveLength(2);
    expect(slack.requests[1]!.at - slack.requests[0]!.at).toBeGreaterThanOrEqual(950);
    expect(slack.requests[1]!.body).toEqual(slack.requests[0]!.body);
  });

  it("turns a Slack outage (HTTP 500) into one warning after bounded retries", async () => {
    slack = await startFakeSlack(() => ({ status: 500, body: "oops" }));
    const listener = slackOnRunFailure({ channel: "#a", token: "xoxb-test", apiUrl: slack.apiUrl, retries: 1 });
    const { lines, elapsedMs } = await driveRun(listener, makeRun());
    expect(slack.requests).toHaveLength(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "warn" });
    expect(lines[0]?.message).toMatch(/^\[slack\] Could not post the run run-1 failure alert to #a: /);
    expect(elapsedMs).toBeLessThan(5_000);
  });

  it("warns when Slack refuses the message (ok: false)", async () => {
    slack = await startFakeSlack(() => ({ status: 200, body: { ok: false, error: "channel_not_found" } }));
    const listener = slackOnRunFailure({ channel: "#nope", token: "xoxb-test", apiUrl: slack.apiUrl });
    const { lines } = await driveRun(listener, makeRun());
    expect(lines[0]?.message).toContain("channel_not_found");
  });

  it("gives up on dropped connections and on a server that never answers, promptly", async () => {
    slack = await startFakeSlack(() => "destroy");
    const dropped = await driveRun(slackOnRunFailure({ channel: "#a", token: "t", apiUrl: slack.apiUrl, retries: 0 }), makeRun());
    expect(dropped.lines[0]?.level).toBe("warn");
    await slack.close();

    slack = await startFakeSlack(() => "hang");
    const hanging = slackOnRunFailure({ channel: "#a", token: "t", apiUrl: slack.apiUrl, requestTimeoutMs: 300, retries: 0, timeoutMs: 1_000 });
    const hung = await driveRun(hanging, makeRun());
    expect(hung.lines[0]?.level).toBe("warn");
    expect(hung.elapsedMs).toBeLessThan(1_500);

    const deadline = slackOnRunFailure({ channel: "#a", token: "t", apiUrl: slack.apiUrl, requestTimeoutMs: 60_000, timeoutMs: 400 });
    const cut = await driveRun(deadline, makeRun());
    expect(cut.lines[0]?.message).toContain("no answer within 400 ms");
    expect(cut.elapsedMs).toBeLessThan(1_000);
  });
});

describe("slackOnRunSuccess", () => {
  it("posts for successful runs only", async () => {
    slack = await startFakeSlack();
    const listener = slackOnRunSuccess({ channel: "#wins", token: "xoxb-test", apiUrl: slack.apiUrl });
    await driveRun(listener, makeRun({ status: "FAILURE" }));
    const ok = makeRun({ runId: "run-2", status: "SUCCESS" });
    await driveRun(listener, ok, [{ type: "RUN_SUCCESS", runId: "run-2", timestamp: 1, durationMs: 1500 }]);
    expect(slack.requests).toHaveLength(1);
    expect(slack.requests[0]?.body.text).toBe("Run run-2 (daily_sales partition 2024-05-01) succeeded.");
  });

  it("refuses a missing channel when the listener is defined", () => {
    expect(() => slackOnRunSuccess({ channel: " " })).toThrow(/slackOnRunSuccess\(\) needs a channel/);
  });
});
