import {
  assetKeyToString,
  createTableIOManager,
  formatZodIssues,
  isOrchError,
  resolveEnvRefs,
  type IOManagerDefinition,
  type SchemaEvolution,
  type TableTypeHandler,
  type WithEnv,
} from "@orch/core";
import { defaultTableTypeHandlers } from "@orch/dataframe";
import { snowflakeClient } from "./snowflake-client.ts";
import { snowflakeConfig, type SnowflakeConfig, type SnowflakeConfigInput } from "./snowflake-config.ts";
import { SnowflakeErrorCode, snowflakeError } from "./snowflake-errors.ts";
import { acquirePool } from "./snowflake-pool.ts";
import { queryTagFor } from "./snowflake-query-tag.ts";

export interface SnowflakeIOManagerOptions {
  /** The connection, as for `snowflakeResource` (secrets as `{ env: "NAME" }`, read when a run starts). */
  readonly connection: WithEnv<SnowflakeConfigInput>;
  /** Schema of single-segment asset keys. Default `PUBLIC`. */
  readonly defaultSchema?: string;
  readonly schemaEvolution?: SchemaEvolution;
  /** Default: Polars DataFrame/LazyFrame, Arrow Table, row objects (an input without a declared type gets Polars). */
  readonly typeHandlers?: readonly TableTypeHandler[];
}

/**
 * The table IO manager on Snowflake: each asset a table (`SCHEMA.TABLE` from its key), each partition the slice its
 * `partitionExpr` selects, replaced in one transaction. Statements carry the run id and asset key in QUERY_TAG.
 */
export function snowflakeIOManager(options: SnowflakeIOManagerOptions): IOManagerDefinition {
  return {
    kind: "orch.io_manager",
    create() {
      const resolved = resolveEnvRefs(options.connection, "snowflakeIOManager.connection").value;
      const parsed = snowflakeConfig.safeParse(resolved);
      if (!parsed.success) {
        throw snowflakeError(SnowflakeErrorCode.SNOWFLAKE_CONNECT_FAILED, `snowflakeIOManager connection config is invalid:\n${formatZodIssues(parsed.error.issues, "connection").join("\n")}`);
      }
      return snowflakeTableIOManager(parsed.data, options);
    },
  };
}

function snowflakeTableIOManager(config: SnowflakeConfig, options: SnowflakeIOManagerOptions) {
  const pool = acquirePool(config);
  const typeHandlers = options.typeHandlers ?? defaultSnowflakeTypeHandlers();
  // A manager per step, so each step's statements are tagged with its run and asset; all share the pool.
  const managerFor = (runId: string, assetKey: readonly string[] | undefined) =>
    createTableIOManager({
      client: snowflakeClient(pool, { releasePool: false, ...tagOption(queryTagFor(config.queryTag, runId, assetKey)) }),
      typeHandlers,
      defaultSchema: options.defaultSchema ?? "PUBLIC",
      ...(options.schemaEvolution ? { schemaEvolution: options.schemaEvolution } : {}),
    });
  return {
    handleOutput: (context: Parameters<ReturnType<typeof managerFor>["handleOutput"]>[0], value: unknown) => managerFor(context.runId, context.assetKey).handleOutput(context, value),
    async loadInput(context: Parameters<ReturnType<typeof managerFor>["loadInput"]>[0]) {
      const assetKey = context.upstreamOutput.assetKey ?? context.assetKey;
      try {
        return await managerFor(context.runId, assetKey).loadInput(context);
      } catch (error) {
        if (isOrchError(error)) throw error;
        const id = assetKey ? assetKeyToString(assetKey) : context.inputName;
        throw snowflakeError(SnowflakeErrorCode.SNOWFLAKE_QUERY_FAILED, `Reading asset "${id}" for input "${context.inputName}" of step "${context.stepKey}" failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
      }
    },
    teardown: () => pool.release(),
  };
}

function tagOption(tag: string | undefined): { queryTag?: string } {
  return tag !== undefined ? { queryTag: tag } : {};
}

/** Polars DataFrame/LazyFrame, Arrow Table, row objects: an input without a declared type gets a Polars frame. */
export function defaultSnowflakeTypeHandlers(): TableTypeHandler[] {
  return defaultTableTypeHandlers();
}
