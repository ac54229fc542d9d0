import { makeStepLogger, PluginRegistry, resolveEnvRefs } from "@orch/core";
import { describeResourceContract } from "@orch/core/testing";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeDatadog, type FakeDatadog } from "../test/fake-datadog.ts";
import { datadogResource } from "./datadog-resource.ts";
import { loadDatadogSdk } from "./load-datadog-sdk.ts";
import { datadogPlugin } from "./plugin.ts";

beforeAll(() => loadDatadogSdk());

describeResourceContract("datadogResource", {
  factory: datadogResource,
  validConfig: { apiKey: { env: "DD_API_KEY" }, appKey: { env: "DD_APP_KEY" }, site: "datadoghq.eu" },
  invalidConfig: { apiKey: { env: "DD_API_KEY" }, site: "https://not a site" },
  env: { DD_API_KEY: "dd-contract-api-secret", DD_APP_KEY: "dd-contract-app-secret" },
  expectValue: (client) => {
    expect(client.site).toBe("datadoghq.eu");
    const url = client.configuration.getServer("v2.MetricsApi.submitMetrics").makeRequestContext("/api/v2/series", "POST" as never).getUrl();
    expect(url).toBe("https://api.datadoghq.eu/api/v2/series");
    expect(typeof client.metrics.submitMetrics).toBe("function");
    expect(typeof client.logs.submitLog).toBe("function");
  },
});

describe("datadogResource", () => {
  let dd: FakeDatadog | undefined;
  afterEach(async () => {
    await dd?.close();
  });

  it("gives assets an API client that talks to the configured origin (submission sends the API key only)", async () => {
    dd = await startFakeDatadog();
    const definition = datadogResource({ apiKey: "api-1", appKey: "app-1", baseUrl: dd.url });
    const client = await definition.create(definition.configSchema!.parse(definition.config), { runId: "r", log: makeStepLogger(() => {}), resources: {} });
    await client.metrics.submitMetrics({ body: { series: [{ metric: "custom.rows", type: 3, points: [{ timestamp: 1_700_000_000, value: 5 }] }] } });
    expect(dd.requests.map((r) => [r.path, r.headers["dd-api-key"], r.headers["dd-application-key"], r.body])).toEqual([
      ["/api/v2/series", "api-1", undefined, { series: [{ metric: "custom.rows", type: 3, points: [{ timestamp: 1_700_000_000, value: 5 }] }] }],
    ]);
    expect(client.configuration.authMethods.appKeyAuth).toBeDefined();
  });
});

describe("datadogPlugin", () => {
  it("registers the datadog logger and resource by name; the logger's config takes env references", async () => {
    const registry = new PluginRegistry([datadogPlugin]);
    expect(registry.names("loggers")).toEqual(["datadog"]);
    expect(registry.names("resources")).toEqual(["datadog"]);
    const factory = registry.get("loggers", "datadog");
    const dd = await startFakeDatadog();
    try {
      const config = factory.config.parse({ apiKey: { env: "DD_API_KEY" }, baseUrl: dd.url, service: "nightly" });
      const resolved = resolveEnvRefs(config, "loggers.datadog", { DD_API_KEY: "from-env" }).value;
      const logger = await factory.create(resolved as never, { instanceDir: "/tmp", serializers: undefined as never, baseDir: "/tmp" } as never);
      logger.handle({ type: "LOG", runId: "r", timestamp: 0, level: "warn", message: "disk almost full" });
      await logger.flush?.();
      expect(dd.requests[0]?.headers["dd-api-key"]).toBe("from-env");
      expect(dd.requests[0]?.body).toMatchObject([{ message: "disk almost full", service: "nightly", status: "warning" }]);
      const refused = factory.config.safeParse({ apiKey: "", batchSize: 5000 });
      expect(refused.error?.issues.map((i) => i.path.join("."))).toEqual(["apiKey", "batchSize"]);
    } finally {
      await dd.close();
    }
  });
});
