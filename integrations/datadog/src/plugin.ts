import { definePlugin } from "@orch/core";
import { z } from "zod";
import { datadogResource } from "./datadog-resource.ts";
import { datadogLogger } from "./logs/datadog-logger.ts";

const secret = z.union([z.string().min(1), z.object({ env: z.string().min(1), default: z.string().optional() }).strict()]);

/** The logger's settings as written in `orch.yaml`; secrets may be `{ env: "DD_API_KEY" }`. */
export const datadogLoggerConfig = z.object({
  apiKey: secret,
  appKey: secret.optional(),
  site: z.string().default("datadoghq.com"),
  baseUrl: z.url().optional(),
  service: z.string().min(1).default("orch"),
  source: z.string().min(1).default("orch"),
  tags: z.array(z.string()).default([]),
  hostname: z.string().optional(),
  level: z.enum(["debug", "info", "warn", "error"]).default("info"),
  batchSize: z.number().int().min(1).max(1000).default(500),
  maxBufferedLogs: z.number().int().positive().default(10_000),
  requestTimeoutMs: z.number().int().positive().default(5_000),
  retries: z.number().int().min(0).max(10).default(2),
  flushTimeoutMs: z.number().int().positive().default(10_000),
});

/** Registers the `datadog` logger and the `datadog` resource by name, for instance config files. */
export const datadogPlugin = definePlugin({
  name: "datadog",
  core: "^0.1.0",
  resources: { datadog: (config) => datadogResource(config) },
  loggers: {
    datadog: {
      description: "Ships orch logs, step failures and run outcomes to Datadog logs",
      config: datadogLoggerConfig,
      create: (config: z.output<typeof datadogLoggerConfig>) => datadogLogger(config),
    },
  },
});
