import type { OrchEvent } from "@orch/core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runEvents } from "../../test/contexts.ts";
import { startFakeDatadog, type FakeDatadog } from "../../test/fake-datadog.ts";
import { loadDatadogSdk } from "../load-datadog-sdk.ts";
import { datadogLogger } from "./datadog-logger.ts";

beforeAll(() => loadDatadogSdk());

let dd: FakeDatadog | undefined;
afterEach(async () => {
  await dd?.close();
  dd = undefined;
});

type Item = Record<string, any>;
const items = (fake: FakeDatadog) => fake.requests.flatMap((r) => r.body as Item[]);
const log = (message: string, level: "debug" | "info" | "warn" | "error" = "info"): OrchEvent => ({ type: "LOG", runId: "run-1", timestamp: 1_700_000_000_000, level, message });

describe("datadogLogger", () => {
  it("ships LOG lines, step failures and retries, and the run's outcome to /api/v2/logs, gzipped, at flush", async () => {
    dd = await startFakeDatadog();
    const logger = datadogLogger({ apiKey: "dd-key", baseUrl: dd.url, service: "etl", source: "orch", tags: ["env:test", "team:data"] });
    expect(logger.name).toBe("datadog");
    for (const event of runEvents()) logger.handle(event);
    expect(dd.requests).toHaveLength(0);
    await logger.flush!();
    expect(dd.requests).toHaveLength(1);
    const [request] = dd.requests;
    expect(request?.path).toBe("/api/v2/logs");
    expect(request?.headers["dd-api-key"]).toBe("dd-key");
    expect(request?.headers["content-encoding"]).toBe("gzip");
    const shipped = items(dd);
    expect(shipped.map((i) => [i.status, i.message])).toEqual([
      ["warning", "Step raw/orders will retry (attempt 1 failed): flaky"],
      ["info", "computing revenue"],
      ["error", "Step daily_revenue failed (attempt 1): x is undefined"],
      ["error", "Run run-1 failed: 1 step failed"],
    ]);
    expect(shipped[1]).toEqual({
      message: "computing revenue",
      ddsource: "orch",
      service: "etl",
      ddtags: "env:test,team:data",
      status: "info",
      date: "2023-11-14T22:13:22.100Z",
      orch: { run_id: "run-1", event_type: "LOG", step_key: "daily_revenue" },
    });
    expect(shipped[2]?.error).toEqual({ kind: "TypeError", message: "x is undefined", stack: "TypeError: x is undefined\n    at compute" });
  });

  it("filters by level and sends full batches in the background without waiting for flush", async () => {
    dd = await startFakeDatadog();
    const logger = datadogLogger({ apiKey: "k", baseUrl: dd.url, level: "warn", batchSize: 2 });
    for (const message of ["a", "b", "c", "d", "e"]) logger.handle(log(message, message === "b" ? "debug" : "warn"));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(dd.requests.map((r) => (r.body as Item[]).map((i) => i.message))).toEqual([
      ["a", "c"],
      ["d", "e"],
    ]);
    logger.handle(log("f", "error"));
    await logger.flush!();
    expect(dd.requests.map((r) => (r.body as Item[]).length)).toEqual([2, 2, 1]);
  });

  it("holds at most maxBufferedLogs and reports what it dropped", async () => {
    dd = await startFakeDatadog();
    const warnings: string[] = [];
    const logger = datadogLogger({ apiKey: "k", baseUrl: dd.url, maxBufferedLogs: 3, onWarning: (m) => warnings.push(m) });
    for (let i = 0; i < 10; i++) logger.handle(log(`line ${i}`));
    await logger.flush!();
    expect(items(dd).map((i) => i.message)).toEqual(["line 0", "line 1", "line 2"]);
    expect(warnings).toEqual(["[orch] [datadog] Dropped 7 logs: more than maxBufferedLogs (3) were waiting to be shipped."]);
  });

  it("reports an outage or a hanging intake as a warning and never throws or stalls", async () => {
    dd = await startFakeDatadog(() => ({ status: 503, body: { errors: [{ status: "503", title: "Service Unavailable", detail: "intake is down" }] } }));
    const warnings: string[] = [];
    const down = datadogLogger({ apiKey: "k", baseUrl: dd.url, retries: 1, onWarning: (m) => warnings.push(m) });
    down.handle(log("x"));
    await expect(down.flush!()).resolves.toBeUndefined();
    expect(dd.requests).toHaveLength(2);
    expect(warnings).toEqual(['[orch] [datadog] Could not ship 1 logs to Datadog: HTTP 503 Service Unavailable: intake is down']);
    await dd.close();

    dd = await startFakeDatadog(() => "hang");
    const hung = datadogLogger({ apiKey: "k", baseUrl: dd.url, requestTimeoutMs: 60_000, flushTimeoutMs: 400, onWarning: (m) => warnings.push(m) });
    hung.handle(log("y"));
    const started = Date.now();
    await hung.flush!();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(warnings[1]).toBe("[orch] [datadog] Could not ship 1 logs to Datadog: gave up after 400 ms");
  });

  it("needs an apiKey or a client", () => {
    expect(() => datadogLogger({})).toThrow(/datadogLogger\(\) needs an apiKey/);
  });
});
