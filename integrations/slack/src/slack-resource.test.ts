import { describeResourceContract } from "@orch/core/testing";
import { makeStepLogger } from "@orch/core";
import { WebClient, type WebClientOptions } from "@slack/web-api";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeSlack, type FakeSlack } from "../test/fake-slack.ts";
import { slackResource } from "./slack-resource.ts";

describeResourceContract("slackResource", {
  factory: slackResource,
  validConfig: { token: { env: "SLACK_BOT_TOKEN" }, apiUrl: "http://127.0.0.1:9/api/" },
  invalidConfig: { token: { env: "SLACK_BOT_TOKEN" }, retries: -1 },
  env: { SLACK_BOT_TOKEN: "xoxb-contract-secret" },
  expectValue: (client) => {
    expect(client).toBeInstanceOf(WebClient);
    expect(client.slackApiUrl).toBe("http://127.0.0.1:9/api/");
  },
});

describe("slackResource", () => {
  let slack: FakeSlack | undefined;
  afterEach(async () => {
    await slack?.close();
  });
  const context = { runId: "r", log: makeStepLogger(() => {}), resources: {} };

  it("gives assets a WebClient that talks to the configured API root", async () => {
    slack = await startFakeSlack();
    const definition = slackResource({ token: "xoxb-1", apiUrl: slack.apiUrl });
    const config = definition.configSchema!.parse(definition.config);
    const client = await definition.create(config, context);
    await client.chat.postMessage({ channel: "#a", text: "hello" });
    expect(slack.requests.map((r) => [r.path, r.headers.authorization, r.body])).toEqual([
      ["/api/chat.postMessage", "Bearer xoxb-1", { channel: "#a", text: "hello" }],
    ]);
  });

  it("builds the client with bounded retries through an injected constructor", async () => {
    const seen: { token?: string; options?: WebClientOptions }[] = [];
    class RecordingClient extends WebClient {
      constructor(token?: string, options?: WebClientOptions) {
        super(token, options);
        seen.push({ token, options });
      }
    }
    const definition = slackResource({ token: "xoxb-2", retries: 3, timeoutMs: 500 }, { clientConstructor: RecordingClient });
    await definition.create(definition.configSchema!.parse(definition.config), context);
    expect(seen[0]?.token).toBe("xoxb-2");
    expect(seen[0]?.options).toMatchObject({ timeout: 500, retryConfig: { retries: 3 } });
  });

  it("names the config path of a missing token", () => {
    const parsed = slackResource({}).configSchema!.safeParse({});
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["token"]);
  });
});
