import { asset, defineDefinitions, materialize, output } from "@orch/core";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startFakeDatadog, type FakeDatadog } from "../test/fake-datadog.ts";
import { datadogLogger, datadogMetrics, datadogResource, loadDatadogSdk } from "./index.ts";

beforeAll(() => loadDatadogSdk());

let dd: FakeDatadog | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await dd?.close();
  dd = undefined;
});

function pipeline(url: string, failing: boolean, warnings: string[]) {
  const orders = asset({
    key: ["raw", "orders"],
    group: "sales",
    compute: ({ log }) => {
      log.info("loaded orders");
      return output([1, 2, 3], { metadata: { row_count: 3 } });
    },
  });
  const revenue = asset({
    key: "daily_revenue",
    group: "finance",
    ins: { orders },
    compute: ({ ins }) => {
      if (failing) throw new Error("revenue query timed out");
      return (ins.orders as number[]).length;
    },
  });
  const assets = [orders, revenue];
  return defineDefinitions({
    assets,
    resources: { datadog: datadogResource({ apiKey: { env: "ORCH_E2E_DD_API_KEY" }, baseUrl: url, retries: 0 }) },
    listeners: [datadogMetrics({ assets, tagKeys: ["asset_key", "group", "job"] })],
    loggers: [datadogLogger({ apiKey: { env: "ORCH_E2E_DD_API_KEY" }, baseUrl: url, service: "e2e", retries: 0, onWarning: (m) => warnings.push(m) })],
  });
}

interface Series {
  metric: string;
  points: { value: number }[];
  tags: string[];
}

describe("Datadog metrics and logs in a real run", () => {
  it("submits the run's metrics and ships its logs, for a run with a failing asset", async () => {
    dd = await startFakeDatadog();
    vi.stubEnv("ORCH_E2E_DD_API_KEY", "e2e-key");
    const warnings: string[] = [];
    const result = await materialize(pipeline(dd.url, true, warnings), { runId: "dd-e2e", jobName: "nightly" });
    expect(result.status).toBe("FAILURE");
    expect(warnings).toEqual([]);

    const series = dd.requests.filter((r) => r.path === "/api/v2/series").flatMap((r) => (r.body as { series: Series[] }).series);
    const byMetric = (metric: string) => series.filter((s) => s.metric === metric);
    expect(byMetric("orch.asset.metadata.row_count")).toMatchObject([{ points: [{ value: 3 }], tags: ["asset_key:raw/orders", "group:sales", "job:nightly"] }]);
    expect(byMetric("orch.step.success")[0]?.tags).toEqual(["asset_key:raw/orders", "group:sales", "job:nightly"]);
    expect(byMetric("orch.step.failure")[0]?.tags).toEqual(["asset_key:daily_revenue", "group:finance", "job:nightly"]);
    expect(byMetric("orch.run.failure")).toHaveLength(1);
    expect(dd.requests.every((r) => r.headers["dd-api-key"] === "e2e-key")).toBe(true);

    const logs = dd.requests.filter((r) => r.path === "/api/v2/logs").flatMap((r) => r.body as { message: string; status: string }[]);
    expect(logs.map((l) => l.message)).toEqual(
      expect.arrayContaining(["loaded orders", "Step daily_revenue failed (attempt 1): revenue query timed out", expect.stringMatching(/^Run dd-e2e failed: /)]),
    );
  });

  it("leaves a successful run successful when Datadog is down, with a warning in the run's log", async () => {
    dd = await startFakeDatadog(() => ({ status: 500, body: { errors: ["Internal Server Error"] } }));
    vi.stubEnv("ORCH_E2E_DD_API_KEY", "e2e-key");
    const warnings: string[] = [];
    const result = await materialize(pipeline(dd.url, false, warnings), { runId: "dd-down" });
    expect(result.status).toBe("SUCCESS");
    const events = await result.instance.getEvents("dd-down");
    const runWarnings = events.flatMap((e) => (e.type === "LOG" && e.level === "warn" ? [e.message] : []));
    expect(runWarnings).toEqual([expect.stringMatching(/^\[datadog\] Could not submit 1 of 1 metric batches \(\d+ points\) for run dd-down: HTTP 500/)]);
    expect(warnings).toEqual([expect.stringMatching(/^\[orch\] \[datadog\] Could not ship \d+ logs to Datadog: HTTP 500/)]);
  });
});
