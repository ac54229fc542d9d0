import { createServer, type IncomingMessage, type Server } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { asset, defineDefinitions, materialize } from "@orch/core";
import { optionalAlerts } from "./alerts.ts";

// Slack and Datadog cannot be reached from here: a local server on 127.0.0.1 answers like both APIs.
let server: Server;
let base: string;
const requests: { path: string; body: string }[] = [];

beforeEach(async () => {
  requests.length = 0;
  server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const body = req.headers["content-encoding"] === "gzip" ? gunzipSync(raw).toString() : raw.toString();
    requests.push({ path: req.url ?? "", body });
    res.setHeader("content-type", "application/json");
    res.end(req.url?.startsWith("/api/chat.postMessage") ? JSON.stringify({ ok: true, ts: "1.0", channel: "C1" }) : JSON.stringify({ errors: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  delete process.env.SLACK_BOT_TOKEN;
  delete process.env.DD_API_KEY;
});

describe("quickstart alerts", () => {
  it("are off unless the environment sets credentials", () => {
    expect(optionalAlerts([], {})).toEqual({ listeners: [], hooks: [] });
  });

  it("post a Slack message and Datadog metrics for a failing run when enabled", async () => {
    process.env.SLACK_BOT_TOKEN = "xoxb-test";
    process.env.DD_API_KEY = "dd-test";
    const broken = asset({ key: "broken", compute: () => Promise.reject(new Error("feed schema changed")) });
    const env = { SLACK_BOT_TOKEN: "xoxb-test", SLACK_API_URL: `${base}/api/`, DD_API_KEY: "dd-test", DD_BASE_URL: base };
    const { listeners, hooks } = optionalAlerts([broken], env);
    const result = await materialize(defineDefinitions({ assets: [broken], listeners, hooks }));
    expect(result.status).toBe("FAILURE");
    const slack = requests.filter((r) => r.path === "/api/chat.postMessage");
    expect(slack.length).toBe(2); // the step hook and the run listener
    expect(slack.map((r) => decodeURIComponent(r.body)).join("\n")).toContain("feed schema changed");
    const series = requests.filter((r) => r.path === "/api/v2/series");
    expect(series.length).toBeGreaterThan(0);
    expect(series[0]!.body).toContain("orch.quickstart.step.failure");
  }, 60_000);
});
