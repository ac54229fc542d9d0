export { bigqueryClient, checkBytes, type BigQueryClientOptions, type BigQueryJobStats } from "./bigquery-client.ts";
export { bigqueryConfig, type BigQueryConfig, type BigQueryConfigInput } from "./bigquery-config.ts";
export { createBigQueryClient } from "./load-bigquery.ts";
export { bigqueryColumnType, quoteIdentifier, sqlLiteral } from "./bigquery-types.ts";
export { BigQueryErrorCode } from "./bigquery-errors.ts";
