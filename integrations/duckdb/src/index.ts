export { duckdbResource, duckdbResourceConfig, type DuckDBResourceConfig, type DuckDBResourceOptions } from "./duckdb-resource.ts";
export { defaultDuckDBTypeHandlers, duckdbIOManager, type DuckDBIOManagerOptions } from "./duckdb-io-manager.ts";
export { duckdbClient, type DuckDBClientOptions } from "./duckdb-client.ts";
export { openDuckDB, type DuckDBDatabase, type DuckDBOpenOptions } from "./duckdb-database.ts";
export { duckdbColumnType, quoteIdentifier, sqlLiteral } from "./duckdb-types.ts";
export { DuckDBErrorCode } from "./duckdb-errors.ts";
export { duckdbPlugin, duckdbIOManagerConfig } from "./plugin.ts";
