import {
  assetKeyToString,
  createTableIOManager,
  formatZodIssues,
  isOrchError,
  resolveEnvRefs,
  type InputContext,
  type Metadata,
  type IOManagerDefinition,
  type OutputContext,
  type SchemaEvolution,
  type TableTypeHandler,
  type WithEnv,
} from "@orch/core";
import { defaultTableTypeHandlers } from "@orch/dataframe";
import { bigqueryClient, type BigQueryJobStats, type TimePartitioning } from "./bigquery-client.ts";
import { bigqueryConfig, type BigQueryConfigInput } from "./bigquery-config.ts";
import { BigQueryErrorCode, bigqueryError } from "./bigquery-errors.ts";
import { jobLabels } from "./bigquery-labels.ts";
import { createBigQueryClient } from "./load-bigquery.ts";

export interface BigQueryIOManagerOptions {
  /** As for `bigqueryResource` (secrets as `{ env: "NAME" }`, read when a run starts). */
  readonly connection: WithEnv<BigQueryConfigInput>;
  /** Dataset of single-segment asset keys. Default `orch`. */
  readonly defaultSchema?: string;
  readonly schemaEvolution?: SchemaEvolution;
  /** Default: Polars DataFrame/LazyFrame, Arrow Table, row objects (an input without a declared type gets Polars). */
  readonly typeHandlers?: readonly TableTypeHandler[];
  /** Where Parquet and NDJSON files for load jobs are staged. Default the OS temp directory. */
  readonly tempDir?: string;
}

/**
 * The table IO manager on BigQuery: each asset a table (`dataset.table` from its key), each partition the slice its
 * `partitionExpr` selects. Writes go through load jobs; materializations record the job ids and bytes processed.
 */
export function bigqueryIOManager(options: BigQueryIOManagerOptions): IOManagerDefinition {
  return {
    kind: "orch.io_manager",
    async create() {
      const parsed = bigqueryConfig.safeParse(resolveEnvRefs(options.connection, "bigqueryIOManager.connection").value);
      if (!parsed.success) {
        throw bigqueryError(BigQueryErrorCode.BIGQUERY_CONFIG_INVALID, `bigqueryIOManager connection config is invalid:\n${formatZodIssues(parsed.error.issues, "connection").join("\n")}`);
      }
      const config = parsed.data;
      const bigquery = await createBigQueryClient(config);
      const typeHandlers = options.typeHandlers ?? defaultBigQueryTypeHandlers();
      // A manager per step: its jobs carry the step's run and asset as labels, and its stats become metadata.
      const managerFor = (runId: string, assetKey: readonly string[] | undefined, stats: BigQueryJobStats, metadata: Metadata = {}) =>
        createTableIOManager({
          client: bigqueryClient(bigquery, config, {
            labels: jobLabels(runId, assetKey),
            stats,
            ...(options.tempDir ? { tempDir: options.tempDir } : {}),
            ...timePartitioningOf(metadata, assetKey),
          }),
          typeHandlers,
          defaultSchema: options.defaultSchema ?? "orch",
          ...(options.schemaEvolution ? { schemaEvolution: options.schemaEvolution } : {}),
          ...(options.tempDir ? { tempDir: options.tempDir } : {}),
        });
      return {
        async handleOutput(context: OutputContext, value: unknown) {
          const stats: BigQueryJobStats = { jobIds: [], totalBytesProcessed: 0 };
          const metadata = await managerFor(context.runId, context.assetKey, stats, context.definitionMetadata).handleOutput(context, value);
          return { ...metadata, bigqueryJobIds: stats.jobIds, totalBytesProcessed: stats.totalBytesProcessed };
        },
        async loadInput(context: InputContext) {
          const stats: BigQueryJobStats = { jobIds: [], totalBytesProcessed: 0 };
          const assetKey = context.upstreamOutput.assetKey ?? context.assetKey;
          const id = assetKey ? assetKeyToString(assetKey) : context.inputName;
          try {
            const value = await managerFor(context.runId, assetKey, stats).loadInput(context);
            context.log.info(`BigQuery read of asset "${id}": jobs ${stats.jobIds.join(", ")}, ${stats.totalBytesProcessed} bytes processed`, { bigqueryJobIds: stats.jobIds, totalBytesProcessed: stats.totalBytesProcessed });
            return value;
          } catch (error) {
            const reason = (error as Error)?.message ?? String(error);
            if (isOrchError(error) && reason.includes(`"${id}"`)) throw error;
            const code = isOrchError(error, BigQueryErrorCode.BIGQUERY_BYTES_LIMIT) ? BigQueryErrorCode.BIGQUERY_BYTES_LIMIT : BigQueryErrorCode.BIGQUERY_QUERY_FAILED;
            throw bigqueryError(code, `Reading asset "${id}" for input "${context.inputName}" of step "${context.stepKey}" failed: ${reason.replace(/^\[orch\] \[bigquery\] /, "")}`, { cause: error });
          }
        },
      };
    },
  };
}

/** Asset metadata `timePartitioning: { field: "ordered_at", type: "DAY" }` (BigQuery's own names). */
function timePartitioningOf(metadata: Metadata, assetKey: readonly string[] | undefined): { timePartitioning?: TimePartitioning } {
  const value = metadata["timePartitioning"];
  if (value === undefined || value === null) return {};
  const { field, type } = value as { field?: unknown; type?: unknown };
  if (typeof field !== "string" || !field || (type !== "HOUR" && type !== "DAY" && type !== "MONTH")) {
    throw bigqueryError(
      BigQueryErrorCode.BIGQUERY_CONFIG_INVALID,
      `Asset "${assetKey ? assetKeyToString(assetKey) : "?"}" metadata timePartitioning must be { field: "<TIMESTAMP column>", type: "HOUR" | "DAY" | "MONTH" }, got ${JSON.stringify(value)}.`,
    );
  }
  return { timePartitioning: { field, type } };
}

/** Polars DataFrame/LazyFrame, Arrow Table, row objects: an input without a declared type gets a Polars frame. */
export function defaultBigQueryTypeHandlers(): TableTypeHandler[] {
  return defaultTableTypeHandlers();
}
