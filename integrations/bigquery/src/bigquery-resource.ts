import type { BigQuery } from "@google-cloud/bigquery";
import { assetKeyToString, defineResource, type AssetKey, type ResourceDefinition } from "@orch/core";
import { runQuery, type BigQueryJobStats } from "./bigquery-client.ts";
import { bigqueryConfig, describeProject, type BigQueryConfig, type BigQueryConfigInput } from "./bigquery-config.ts";
import { BigQueryErrorCode, BigQueryRequestError, bigqueryError } from "./bigquery-errors.ts";
import { jobLabels } from "./bigquery-labels.ts";
import { createBigQueryClient } from "./load-bigquery.ts";

export interface BigQueryStepContext {
  readonly runId?: string;
  readonly assetKey?: AssetKey;
  readonly stepKey?: string;
  readonly signal?: AbortSignal;
}

export interface BigQueryQueryResult<Row = Record<string, unknown>> {
  readonly rows: Row[];
  readonly jobId: string | undefined;
  readonly totalBytesProcessed: number;
  /** `{ bigqueryJobId, totalBytesProcessed }`, ready to return as materialization metadata. */
  readonly metadata: { readonly bigqueryJobId?: string; readonly totalBytesProcessed: number };
}

/** The value of `context.resources.bigquery`. */
export interface BigQueryResource {
  /** `BigQuery project "acme-prod" (EU)`. */
  readonly description: string;
  /** The official client, for anything else (datasets, routines, the Storage API). */
  readonly client: BigQuery;
  /** Runs a GoogleSQL query (`?` positional params); `{ context }` labels the job with the run and asset and cancels it with the step. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: { context?: BigQueryStepContext }): Promise<BigQueryQueryResult<Row>>;
}

/**
 * BigQuery for assets and ops: `resources: { bigquery: bigqueryResource({ projectId, location, credentials: { env:
 * "GOOGLE_SERVICE_ACCOUNT_JSON" } }) }`. With `maximumBytesBilled`, a query whose dry run bills more fails before it runs.
 */
export function bigqueryResource(config?: BigQueryConfigInput | unknown): ResourceDefinition<BigQueryResource, BigQueryConfig> {
  return defineResource({
    description: "BigQuery client",
    config: bigqueryConfig,
    create: (resolved, context) => createBigQueryResource(resolved, context.runId),
  })(config) as ResourceDefinition<BigQueryResource, BigQueryConfig>;
}

export async function createBigQueryResource(config: BigQueryConfig, runId?: string): Promise<BigQueryResource> {
  const client = await createBigQueryClient(config);
  const description = describeProject(config);
  return {
    description,
    client,
    async query<Row>(sql: string, params: readonly unknown[] = [], options: { context?: BigQueryStepContext } = {}) {
      const context = options.context;
      const stats: BigQueryJobStats = { jobIds: [], totalBytesProcessed: 0 };
      const where = context?.assetKey ? ` for asset "${assetKeyToString(context.assetKey)}"` : context?.stepKey ? ` for step "${context.stepKey}"` : "";
      try {
        const result = await runQuery(client, config, sql, {
          what: "query failed",
          stats,
          ...(params.length ? { params } : {}),
          labels: jobLabels(context?.runId ?? runId, context?.assetKey),
          ...(context?.signal ? { signal: context.signal } : {}),
        });
        return { rows: result.rows as Row[], jobId: result.jobId, totalBytesProcessed: result.totalBytesProcessed, metadata: { ...(result.jobId ? { bigqueryJobId: result.jobId } : {}), totalBytesProcessed: result.totalBytesProcessed } };
      } catch (error) {
        if (error instanceof BigQueryRequestError) throw bigqueryError(BigQueryErrorCode.BIGQUERY_QUERY_FAILED, error.message.replace(description, `${description}${where}`), { cause: error });
        if (error instanceof Error && "code" in error && (error as { code: string }).code === BigQueryErrorCode.BIGQUERY_BYTES_LIMIT) {
          throw bigqueryError(BigQueryErrorCode.BIGQUERY_BYTES_LIMIT, error.message.replace(description, `${description}${where}`), { cause: error });
        }
        throw error;
      }
    },
  };
}
