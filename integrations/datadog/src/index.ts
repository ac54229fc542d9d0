export { datadogResource, datadogConnectionConfig, type DatadogConnection, type DatadogResourceOptions } from "./datadog-resource.ts";
export { createDatadogClient, type DatadogClient, type DatadogClientSettings } from "./datadog-client.ts";
export { loadDatadogSdk, type DatadogSdk } from "./load-datadog-sdk.ts";
export type { DatadogConnectionOptions } from "./client-source.ts";
export { datadogMetrics, METRIC_TAG_KEYS, type DatadogMetricsOptions, type MetricTagKey } from "./metrics/datadog-metrics.ts";
export { datadogLogger, type DatadogLoggerOptions } from "./logs/datadog-logger.ts";
export { datadogPlugin, datadogLoggerConfig } from "./plugin.ts";
