export { snowflakeResource, createSnowflakeResource, type SnowflakeResource, type SnowflakeQueryOptions, type SnowflakeQueryResult, type SnowflakeStepContext } from "./snowflake-resource.ts";
export { snowflakeIOManager, defaultSnowflakeTypeHandlers, type SnowflakeIOManagerOptions } from "./snowflake-io-manager.ts";
export { snowflakeClient, type SnowflakeClientOptions } from "./snowflake-client.ts";
export { snowflakeConfig, type SnowflakeConfig, type SnowflakeConfigInput } from "./snowflake-config.ts";
export { acquirePool, SnowflakeStatementError, type SharedPool, type SnowflakeSession, type StatementOutcome } from "./snowflake-pool.ts";
export { snowflakeColumnType, quoteIdentifier, sqlLiteral } from "./snowflake-types.ts";
export { SnowflakeErrorCode } from "./snowflake-errors.ts";
export { snowflakePlugin, snowflakeIOManagerConfig } from "./plugin.ts";
