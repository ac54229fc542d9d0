export { bigqueryClient, checkBytes, type BigQueryClientOptions, type BigQueryJobStats } from "./bigquery-client.ts";
export { bigqueryConfig, type BigQueryConfig, type BigQueryConfigInput } from "./bigquery-config.ts";
export { createBigQueryClient } from "./load-bigquery.ts";
export { bigqueryColumnType, quoteIdentifier, sqlLiteral } from "./bigquery-types.ts";
export { BigQueryErrorCode } from "./bigquery-errors.ts";
export { bigqueryResource, createBigQueryResource, type BigQueryResource, type BigQueryQueryResult, type BigQueryStepContext } from "./bigquery-resource.ts";
export { bigqueryIOManager, defaultBigQueryTypeHandlers, type BigQueryIOManagerOptions } from "./bigquery-io-manager.ts";
export { runQuery, type RunQueryOptions } from "./bigquery-client.ts";
export { bigqueryPlugin, bigqueryIOManagerConfig } from "./plugin.ts";
