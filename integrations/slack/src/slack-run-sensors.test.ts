import { asset, defineDefinitions, evaluateSensorTick, materialize, memoryStorage, type InstanceStorage, type SensorDefinition } from "@orch/core";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeSlack, type FakeSlack, type SlackReply } from "../test/fake-slack.ts";
import { slackOnRunFailureSensor, slackOnRunSuccessSensor } from "./slack-run-sensors.ts";

let slack: FakeSlack | undefined;
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});

function project(sensors: readonly SensorDefinition[], failing = false) {
  const orders = asset({ key: ["raw", "orders"], compute: () => [1, 2] });
  const revenue = asset({
    key: "daily_revenue",
    ins: { orders },
    compute: ({ ins }) => {
      if (failing) throw new Error("revenue query timed out");
      return (ins.orders as number[]).length;
    },
  });
  return defineDefinitions({ assets: [orders, revenue], sensors });
}

/** A run launched elsewhere (here: straight into the shared instance, as `orch materialize` would). */
async function launch(definitions: ReturnType<typeof project>, instance: InstanceStorage, runId: string, fail: boolean) {
  const result = await materialize(fail ? project([...definitions.sensors.values()], true) : definitions, { instance, runId, jobName: "nightly" });
  return result.status;
}

async function tick(sensor: SensorDefinition, definitions: ReturnType<typeof project>, instance: InstanceStorage, cursor: string | undefined) {
  return evaluateSensorTick(sensor, { cursor, lastTickAt: undefined, now: Date.now(), instance, definitions });
}

describe("slackOnRunFailureSensor", () => {
  it("alerts once per failed run of the instance, whoever launched it", async () => {
    slack = await startFakeSlack();
    const sensor = slackOnRunFailureSensor({ channel: "#runs", token: "xoxb-test", apiUrl: slack.apiUrl, baseUrl: "http://orch.local" });
    const definitions = project([sensor]);
    const instance = memoryStorage();
    const first = await tick(sensor, definitions, instance, undefined);
    expect(first.skipReason).toContain("first tick");

    expect(await launch(definitions, instance, "ok-1", false)).toBe("SUCCESS");
    expect(await launch(definitions, instance, "bad-1", true)).toBe("FAILURE");
    const second = await tick(sensor, definitions, instance, first.cursor);
    expect(second.error).toBeUndefined();
    expect(slack.requests.map((r) => [r.body.channel, r.body.text])).toEqual([
      ["#runs", "Run bad-1 (nightly) failed. 1 failed step: daily_revenue. http://orch.local/runs/bad-1"],
    ]);
    expect(JSON.stringify(slack.requests[0]!.body.blocks)).toContain("revenue query timed out");

    await tick(sensor, definitions, instance, second.cursor);
    expect(slack.requests).toHaveLength(1);
    expect(definitions.sensors.get("slack_on_run_failure_sensor")).toMatchObject({ sensorKind: "run_status", defaultStatus: "running" });
  });

  it("a Slack outage fails the tick before the run, so the next tick alerts it", async () => {
    let down = true;
    const ok: SlackReply = { status: 200, body: { ok: true } };
    slack = await startFakeSlack(() => (down ? { status: 200, body: { ok: false, error: "invalid_auth" } } : ok));
    const sensor = slackOnRunFailureSensor({ channel: "#runs", token: "xoxb-test", apiUrl: slack.apiUrl, retries: 0 });
    const definitions = project([sensor]);
    const instance = memoryStorage();
    const start = await tick(sensor, definitions, instance, undefined);
    await launch(definitions, instance, "bad-2", true);

    const failed = await tick(sensor, definitions, instance, start.cursor);
    expect(failed.error?.message).toContain("[orch] [slack] Sensor slack_on_run_failure_sensor could not post the alert for run bad-2 to #runs");
    expect(failed.logs).toEqual([{ level: "warn", message: expect.stringContaining("[slack] Could not post the run bad-2 failure alert to #runs") }]);
    expect(failed.cursor).toBe(start.cursor);

    down = false;
    const retried = await tick(sensor, definitions, instance, failed.cursor);
    expect(retried.error).toBeUndefined();
    expect(slack.requests.map((r) => r.body.text)).toEqual([expect.stringContaining("bad-2"), expect.stringContaining("bad-2")]);
  });
});

describe("slackOnRunSuccessSensor", () => {
  it("posts for successful runs of the monitored jobs only, through the slack resource by default", async () => {
    slack = await startFakeSlack();
    const sensor = slackOnRunSuccessSensor({ channel: "#wins", token: "xoxb-test", apiUrl: slack.apiUrl, monitored: { selection: "daily_revenue" } });
    const other = slackOnRunSuccessSensor({ channel: "#wins", name: "other", monitored: { selection: "raw/orders" } });
    expect(other.resources).toEqual(["slack"]);
    const definitions = project([sensor]);
    const instance = memoryStorage();
    await launch(definitions, instance, "ok-2", false);
    await tick(sensor, definitions, instance, "0");
    expect(slack.requests.map((r) => r.body.text)).toEqual(["Run ok-2 (nightly) succeeded."]);
  });
});
