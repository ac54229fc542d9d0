import { defineResource, type ResourceDefinition } from "@orch/core";
import { z } from "zod";
import { createDatadogClient, type DatadogClient } from "./datadog-client.ts";
import type { DatadogSdk } from "./load-datadog-sdk.ts";

export const datadogConnectionConfig = z.object({
  /** Write it as `{ env: "DD_API_KEY" }`. */
  apiKey: z.string().min(1, "a Datadog API key is required"),
  /** Only needed for APIs that read (queries, monitors); submitting metrics and logs needs the API key only. */
  appKey: z.string().min(1).optional(),
  site: z.string().regex(/^[a-z0-9.-]+$/, "a Datadog site such as datadoghq.com or datadoghq.eu").default("datadoghq.com"),
  baseUrl: z.url().optional(),
  requestTimeoutMs: z.number().int().positive().default(5_000),
  retries: z.number().int().min(0).max(10).default(2),
  maxRetryDelayMs: z.number().int().min(0).default(5_000),
});
export type DatadogConnection = z.output<typeof datadogConnectionConfig>;

export interface DatadogResourceOptions {
  /** Used instead of importing `@datadog/datadog-api-client` (tests). */
  sdk?: DatadogSdk;
}

/**
 * The Datadog API client for assets, ops and the `datadogMetrics` listener, under one resource key (by
 * convention `datadog`): `datadogResource({ apiKey: { env: "DD_API_KEY" }, site: "datadoghq.eu" })`.
 */
export function datadogResource(config?: unknown, options: DatadogResourceOptions = {}): ResourceDefinition<DatadogClient, DatadogConnection> {
  return defineResource({
    description: "Datadog API client",
    config: datadogConnectionConfig,
    create: (resolved) => createDatadogClient(connectionSettings(resolved, options.sdk)),
  })(config);
}

export function connectionSettings(resolved: DatadogConnection, sdk?: DatadogSdk) {
  return {
    apiKey: resolved.apiKey,
    site: resolved.site,
    requestTimeoutMs: resolved.requestTimeoutMs,
    retries: resolved.retries,
    maxRetryDelayMs: resolved.maxRetryDelayMs,
    ...(resolved.appKey !== undefined ? { appKey: resolved.appKey } : {}),
    ...(resolved.baseUrl !== undefined ? { baseUrl: resolved.baseUrl } : {}),
    ...(sdk ? { sdk } : {}),
  };
}
