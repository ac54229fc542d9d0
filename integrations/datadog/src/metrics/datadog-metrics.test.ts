import { asset } from "@orch/core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { driveRun, makeRun, runEvents } from "../../test/contexts.ts";
import { startFakeDatadog, type FakeDatadog } from "../../test/fake-datadog.ts";
import { loadDatadogSdk } from "../load-datadog-sdk.ts";
import { datadogMetrics } from "./datadog-metrics.ts";

// The SDK takes seconds to import; load it once under the hook timeout rather than inside the first test.
beforeAll(() => loadDatadogSdk());

let dd: FakeDatadog | undefined;
afterEach(async () => {
  await dd?.close();
  dd = undefined;
});

interface Series {
  metric: string;
  type: number;
  points: { timestamp: number; value: number }[];
  tags: string[];
  unit?: string;
}
const seriesOf = (fake: FakeDatadog) => fake.requests.flatMap((r) => (r.body as { series: Series[] }).series);
const find = (all: Series[], metric: string) => all.filter((s) => s.metric === metric);

const assets = [asset({ key: ["raw", "orders"], group: "sales", compute: () => 1 }), asset({ key: "daily_revenue", group: "finance", compute: () => 1 })];

describe("datadogMetrics", () => {
  it("submits step, asset, retry and run metrics to /api/v2/series with the API key, tagged with the run's facts", async () => {
    dd = await startFakeDatadog();
    const listener = datadogMetrics({ apiKey: "dd-api-key", baseUrl: dd.url, tags: ["env:test"], assets });
    expect(listener.resources).toBeUndefined();
    const { lines } = await driveRun(listener, makeRun({ status: "FAILURE" }), runEvents());
    expect(lines).toEqual([]);
    expect(dd.requests).toHaveLength(1);
    const [request] = dd.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/api/v2/series");
    expect(request?.headers["dd-api-key"]).toBe("dd-api-key");
    expect(request?.headers["dd-application-key"]).toBeUndefined();
    expect(request?.headers["content-type"]).toBe("application/json");

    const all = seriesOf(dd);
    const ordersTags = ["asset_key:raw/orders", "env:test", "group:sales", "job:daily_sales", "partition:2024-05-01", "run_id:run-1"];
    expect(find(all, "orch.step.duration")).toEqual([
      { metric: "orch.step.duration", type: 3, points: [{ timestamp: 1_700_000_002, value: 1.99 }], tags: ordersTags, unit: "second" },
      {
        metric: "orch.step.duration",
        type: 3,
        points: [{ timestamp: 1_700_000_003, value: 0.9 }],
        tags: ["asset_key:daily_revenue", "env:test", "group:finance", "job:daily_sales", "partition:2024-05-01", "run_id:run-1"],
        unit: "second",
      },
    ]);
    expect(find(all, "orch.step.success")[0]).toMatchObject({ type: 1, points: [{ value: 1 }], tags: ordersTags });
    expect(find(all, "orch.step.failure")[0]?.tags).toContain("asset_key:daily_revenue");
    expect(find(all, "orch.step.retry")[0]).toMatchObject({ type: 1, tags: ordersTags });
    expect(find(all, "orch.asset.materialization")[0]).toMatchObject({ type: 1, tags: ordersTags });
    expect(find(all, "orch.asset.metadata.row_count")[0]).toMatchObject({ type: 3, points: [{ value: 1200 }], tags: ordersTags });
    expect(find(all, "orch.asset.metadata.size_bytes_")[0]?.points[0]?.value).toBe(4096);
    expect(all.some((s) => s.metric.includes("path") || s.metric.includes("preview"))).toBe(false);
    expect(find(all, "orch.run.duration")[0]).toMatchObject({
      points: [{ value: 3.1 }],
      tags: ["env:test", "job:daily_sales", "partition:2024-05-01", "run_id:run-1", "status:failure"],
    });
    expect(find(all, "orch.run.failure")).toHaveLength(1);
  });

  it("honours the prefix and tag keys, and sends at most maxPointsPerRequest points per request", async () => {
    dd = await startFakeDatadog();
    const listener = datadogMetrics({ apiKey: "k", baseUrl: dd.url, prefix: "etl.", tagKeys: ["job"], maxPointsPerRequest: 3 });
    await driveRun(listener, makeRun(), runEvents());
    const perRequest = dd.requests.map((r) => (r.body as { series: Series[] }).series.reduce((n, s) => n + s.points.length, 0));
    expect(perRequest.every((n) => n <= 3)).toBe(true);
    expect(perRequest.reduce((a, b) => a + b, 0)).toBe(10);
    expect(dd.requests.length).toBe(4);
    const all = seriesOf(dd);
    expect(all.every((s) => s.metric.startsWith("etl."))).toBe(true);
    expect(new Set(all.filter((s) => s.metric !== "etl.run.duration").flatMap((s) => s.tags))).toEqual(new Set(["job:daily_sales"]));
  });

  it("keeps memory bounded: points past maxBufferedPoints are dropped and counted in a warning", async () => {
    dd = await startFakeDatadog();
    const listener = datadogMetrics({ apiKey: "k", baseUrl: dd.url, maxBufferedPoints: 5 });
    const { lines } = await driveRun(listener, makeRun(), runEvents());
    expect(seriesOf(dd).reduce((n, s) => n + s.points.length, 0)).toBe(5);
    expect(lines).toEqual([{ level: "warn", message: "[datadog] Dropped 5 metric points of run run-1: more than maxBufferedPoints were buffered." }]);
  });

  it("retries after a 429, waiting the x-ratelimit-reset seconds, then succeeds", async () => {
    dd = await startFakeDatadog((i) => (i === 0 ? { status: 429, headers: { "x-ratelimit-reset": "1" }, body: { errors: ["rate limited"] } } : { status: 202, body: { errors: [] } }));
    const listener = datadogMetrics({ apiKey: "k", baseUrl: dd.url });
    const { lines } = await driveRun(listener, makeRun(), runEvents());
    expect(lines).toEqual([]);
    expect(dd.requests).toHaveLength(2);
    expect(dd.requests[1]!.at - dd.requests[0]!.at).toBeGreaterThanOrEqual(950);
    expect(dd.requests[1]!.body).toEqual(dd.requests[0]!.body);
  });

  it("turns an outage (HTTP 500) into one warning after bounded retries", async () => {
    dd = await startFakeDatadog(() => ({ status: 500, body: { errors: ["Internal Server Error"] } }));
    const listener = datadogMetrics({ apiKey: "k", baseUrl: dd.url, retries: 2, maxPointsPerRequest: 100 });
    const { lines, elapsedMs } = await driveRun(listener, makeRun(), runEvents());
    expect(dd.requests).toHaveLength(3);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe("warn");
    expect(lines[0]?.message).toBe(
      '[datadog] Could not submit 1 of 1 metric batches (10 points) for run run-1: HTTP 500 Unknown API Status Code! Body: "{"errors":["Internal Server Error"]}"',
    );
    expect(elapsedMs).toBeLessThan(3_000);
  });

  it("gives up promptly on dropped connections and on a server that hangs", async () => {
    dd = await startFakeDatadog(() => "destroy");
    const dropped = await driveRun(datadogMetrics({ apiKey: "k", baseUrl: dd.url, retries: 1 }), makeRun(), runEvents());
    expect(dropped.lines[0]?.message).toContain("Could not submit 1 of 1 metric batches");
    expect(dd.requests).toHaveLength(2);
    await dd.close();

    dd = await startFakeDatadog(() => "hang");
    const slow = datadogMetrics({ apiKey: "k", baseUrl: dd.url, requestTimeoutMs: 300, retries: 1, maxPointsPerRequest: 4 });
    const hung = await driveRun(slow, makeRun(), runEvents());
    expect(hung.lines[0]?.message).toContain("no answer within 300 ms");
    expect(hung.elapsedMs).toBeLessThan(4_000);

    const capped = datadogMetrics({ apiKey: "k", baseUrl: dd.url, requestTimeoutMs: 60_000, flushTimeoutMs: 500, maxPointsPerRequest: 4 });
    const cut = await driveRun(capped, makeRun(), runEvents());
    expect(cut.lines[0]?.message).toContain("Could not submit 3 of 3 metric batches (10 points) for run run-1: gave up after 500 ms");
    expect(cut.elapsedMs).toBeLessThan(1_500);
  });

  it("uses the datadog resource when no apiKey is given, and warns when it is missing", async () => {
    const listener = datadogMetrics({ resourceKey: "dd" });
    expect(listener.resources).toEqual(["dd"]);
    const { lines } = await driveRun(listener, makeRun(), runEvents());
    expect(lines[0]?.message).toContain('expects a Datadog client under resource "dd"');
    expect(() => datadogMetrics({ tagKeys: ["host" as never] })).toThrow(/unknown tag key "host"/);
  });
});
