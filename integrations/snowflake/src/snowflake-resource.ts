import type { Table } from "apache-arrow";
import { arrowTableTypeHandler } from "@orch/dataframe";
import { assetKeyToString, defineResource, type AssetKey, type ResourceDefinition, type StepLogger } from "@orch/core";
import { snowflakeConfig, type SnowflakeConfig, type SnowflakeConfigInput } from "./snowflake-config.ts";
import { SnowflakeErrorCode, snowflakeError } from "./snowflake-errors.ts";
import { acquirePool, SnowflakeStatementError, type SharedPool, type SnowflakeSession } from "./snowflake-pool.ts";
import { queryTagFor } from "./snowflake-query-tag.ts";

/** What a step passes so its statements carry its run and asset in QUERY_TAG and stop when the step is canceled. */
export interface SnowflakeStepContext {
  readonly runId?: string;
  readonly assetKey?: AssetKey;
  readonly stepKey?: string;
  readonly signal?: AbortSignal;
  readonly log?: StepLogger;
}

export interface SnowflakeQueryOptions {
  /** The step's context (`query(sql, binds, { context })` in an asset's compute). */
  readonly context?: SnowflakeStepContext;
  /** Cancels the statement on the server; default the context's signal. */
  readonly signal?: AbortSignal;
}

export interface SnowflakeQueryResult<Row = Record<string, unknown>> {
  readonly rows: Row[];
  /** Snowflake's query id (Query History, `RESULT_SCAN`). */
  readonly queryId: string;
  readonly rowsAffected?: number;
  /** `{ snowflakeQueryId }`, ready to return as materialization metadata. */
  readonly metadata: { readonly snowflakeQueryId: string };
}

/** The value of `context.resources.snowflake`. */
export interface SnowflakeResource {
  /** `Snowflake account "acme" (user "ETL", warehouse "TRANSFORM")`. */
  readonly description: string;
  query<Row = Record<string, unknown>>(sql: string, binds?: readonly unknown[], options?: SnowflakeQueryOptions): Promise<SnowflakeQueryResult<Row>>;
  /** As `query`, with the rows as an Apache Arrow Table (decoded from the driver's rows through Polars). */
  queryArrow(sql: string, binds?: readonly unknown[], options?: SnowflakeQueryOptions): Promise<Omit<SnowflakeQueryResult, "rows"> & { readonly table: Table }>;
  /** Statements on one session of the pool, in order (a transaction, session variables). */
  withSession<T>(work: (session: SnowflakeSession) => Promise<T>, options?: SnowflakeQueryOptions): Promise<T>;
  /** The run's shared pool (the IO manager on the same connection uses the same one). */
  readonly pool: SharedPool;
}

/**
 * Snowflake for assets and ops: `resources: { snowflake: snowflakeResource({ account, username, password: { env:
 * "SNOWFLAKE_PASSWORD" }, warehouse, database, schema }) }`; in compute,
 * `await resources.snowflake.query("SELECT ...", [], { context })`. One connection pool serves the run's steps and
 * closes at teardown.
 */
export function snowflakeResource(config?: SnowflakeConfigInput | unknown): ResourceDefinition<SnowflakeResource, SnowflakeConfig> {
  return defineResource({
    description: "Snowflake connection pool",
    config: snowflakeConfig,
    create: (resolved, context) => createSnowflakeResource(resolved, context.runId),
    teardown: (resource) => resource.pool.release(),
  })(config) as ResourceDefinition<SnowflakeResource, SnowflakeConfig>;
}

export function createSnowflakeResource(config: SnowflakeConfig, runId?: string): SnowflakeResource {
  const pool = acquirePool(config);
  const withSession = async <T>(work: (session: SnowflakeSession) => Promise<T>, options: SnowflakeQueryOptions = {}): Promise<T> => {
    const context = options.context;
    const signal = options.signal ?? context?.signal;
    const tag = queryTagFor(config.queryTag, context?.runId ?? runId, context?.assetKey);
    try {
      return await pool.withConnection((session) =>
        work({ execute: (sql, binds, more = {}) => session.execute(sql, binds, { tag, ...(signal ? { signal } : {}), ...more }) }),
      );
    } catch (error) {
      throw restate(error, context, pool.description);
    }
  };
  const query = async <Row>(sql: string, binds: readonly unknown[] = [], options: SnowflakeQueryOptions = {}): Promise<SnowflakeQueryResult<Row>> => {
    const result = await withSession((session) => session.execute(sql, binds), options);
    options.context?.log?.debug?.(`Snowflake query ${result.queryId}`);
    return { rows: result.rows as Row[], queryId: result.queryId, ...(result.rowsAffected !== undefined ? { rowsAffected: result.rowsAffected } : {}), metadata: { snowflakeQueryId: result.queryId } };
  };
  return {
    description: pool.description,
    pool,
    withSession,
    query,
    async queryArrow(sql, binds, options) {
      const { rows, ...rest } = await query<Record<string, unknown>>(sql, binds, options);
      const table = await arrowTableTypeHandler().fromBatch({ format: "rows", rows, columns: [] }, undefined);
      return { ...rest, table };
    },
  };
}

function restate(error: unknown, context: SnowflakeStepContext | undefined, description: string): unknown {
  if (!(error instanceof SnowflakeStatementError)) return error;
  const where = context?.assetKey ? ` for asset "${assetKeyToString(context.assetKey)}"` : context?.stepKey ? ` for step "${context.stepKey}"` : "";
  const code = error.canceled ? SnowflakeErrorCode.SNOWFLAKE_QUERY_CANCELED : /could not connect/.test(error.message) ? SnowflakeErrorCode.SNOWFLAKE_CONNECT_FAILED : SnowflakeErrorCode.SNOWFLAKE_QUERY_FAILED;
  return snowflakeError(code, `${error.message.replace(description, `${description}${where}`)}`, {
    cause: error,
    details: { ...(error.code ? { snowflakeCode: error.code } : {}), ...(error.sqlState ? { sqlState: error.sqlState } : {}), ...(error.queryId ? { queryId: error.queryId } : {}) },
  });
}
