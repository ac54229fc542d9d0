import type { client as clientNs, v2 } from "@datadog/datadog-api-client";
import { boundedFetch } from "./bounded-fetch.ts";
import { loadDatadogSdk, type DatadogSdk } from "./load-datadog-sdk.ts";

/** What the Datadog resource gives assets, and what the listener and logger send with. */
export interface DatadogClient {
  /** Pass to any API of the SDK: `new sdk.v1.EventsApi(configuration)`. */
  readonly configuration: clientNs.Configuration;
  readonly metrics: v2.MetricsApi;
  readonly logs: v2.LogsApi;
  readonly site: string;
  readonly sdk: DatadogSdk;
}

export interface DatadogClientSettings {
  readonly apiKey: string;
  readonly appKey?: string;
  /** `datadoghq.com`, `datadoghq.eu`, `us3.datadoghq.com`, ... */
  readonly site: string;
  /** Sends every API call to this origin instead of the site (a proxy, or a local stand-in in tests). */
  readonly baseUrl?: string;
  readonly requestTimeoutMs: number;
  readonly retries: number;
  readonly maxRetryDelayMs: number;
  /** Replaces the SDK import (tests). */
  readonly sdk?: DatadogSdk;
  readonly fetch?: typeof fetch;
}

export async function createDatadogClient(settings: DatadogClientSettings): Promise<DatadogClient> {
  const sdk = settings.sdk ?? (await loadDatadogSdk());
  const configuration = sdk.client.createConfiguration({
    authMethods: { apiKeyAuth: settings.apiKey, ...(settings.appKey ? { appKeyAuth: settings.appKey } : {}) },
    ...(settings.baseUrl ? { baseServer: new sdk.client.BaseServerConfiguration(settings.baseUrl.replace(/\/+$/, ""), {}) } : {}),
    fetch: boundedFetch({ timeoutMs: settings.requestTimeoutMs, retries: settings.retries, maxDelayMs: settings.maxRetryDelayMs, ...(settings.fetch ? { fetch: settings.fetch } : {}) }),
    enableRetry: false,
  });
  configuration.setServerVariables({ site: settings.site });
  return {
    configuration,
    metrics: new sdk.v2.MetricsApi(configuration),
    logs: new sdk.v2.LogsApi(configuration),
    site: settings.site,
    sdk,
  };
}
