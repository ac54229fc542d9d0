import { randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BigQuery } from "@google-cloud/bigquery";
import type { StoredColumn, TableBatch, TableRef, TableTransaction, WarehouseClient } from "@orch/core";
import { describeProject, type BigQueryConfig } from "./bigquery-config.ts";
import { BigQueryErrorCode, BigQueryRequestError, bigqueryError } from "./bigquery-errors.ts";
import { bigqueryColumnType, jsonValue, plainValue, quoteIdentifier, sqlLiteral, standardType } from "./bigquery-types.ts";

/** What a client's jobs did, for materialization metadata. */
export interface BigQueryJobStats {
  readonly jobIds: string[];
  totalBytesProcessed: number;
}

export interface BigQueryClientOptions {
  /** Job labels (the IO manager sets the run id and asset key). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Collects job ids and bytes processed. */
  readonly stats?: BigQueryJobStats;
  readonly tempDir?: string;
}

/**
 * The table IO manager's client for BigQuery. A write loads the frame (Parquet from Polars, NDJSON from rows) into
 * a staging table with a load job, then replaces the slice in one multi-statement transaction
 * (`BEGIN TRANSACTION; DELETE …; INSERT … SELECT FROM staging; COMMIT TRANSACTION`), so a failure anywhere leaves
 * the previous rows. DDL (datasets, tables, new columns) runs before it: BigQuery allows no DDL in transactions.
 */
export function bigqueryClient(bigquery: BigQuery, config: BigQueryConfig, options: BigQueryClientOptions = {}): WarehouseClient {
  const description = describeProject(config);
  const stats = options.stats;
  const tempDir = options.tempDir ?? tmpdir();
  const table = (ref: TableRef) => `${quoteIdentifier(ref.schema)}.${quoteIdentifier(ref.table)}`;

  const query = (sql: string, what: string) => runQuery(bigquery, config, sql, { what, ...(options.labels ? { labels: options.labels } : {}), ...(stats ? { stats } : {}) });

  const describe = async (ref: TableRef): Promise<StoredColumn[] | undefined> => {
    try {
      const [metadata] = await bigquery.dataset(ref.schema).table(ref.table).getMetadata();
      const fields = ((metadata as { schema?: { fields?: { name: string; type: string }[] } }).schema?.fields ?? []);
      return fields.map((f) => ({ name: f.name, type: standardType(f.type) }));
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw new BigQueryRequestError(description, `reading the schema of ${ref.schema}.${ref.table}`, error);
    }
  };

  const load = async (ref: TableRef, batch: TableBatch): Promise<string | undefined> => {
    let path = batch.format === "parquet" ? batch.path : undefined;
    let written: string | undefined;
    if (batch.format === "rows") {
      written = path = join(tempDir, `orch-bigquery-${randomBytes(8).toString("hex")}.ndjson`);
      await writeFile(path, batch.rows.map((row) => JSON.stringify(Object.fromEntries(batch.columns.map((c) => [c.name, jsonValue(row[c.name])])))).join("\n"));
    }
    try {
      const [job] = await bigquery.dataset(ref.schema).table(ref.table).load(path!, {
        sourceFormat: batch.format === "parquet" ? "PARQUET" : "NEWLINE_DELIMITED_JSON",
        schema: { fields: batch.columns.map((c) => ({ name: c.name, type: bigqueryColumnType(c.type), mode: "NULLABLE" })) },
        writeDisposition: "WRITE_TRUNCATE",
        createDisposition: "CREATE_IF_NEEDED",
        location: config.location,
        ...(options.labels ? { labels: { ...options.labels } } : {}),
      });
      const id = (job as { jobReference?: { jobId?: string } }).jobReference?.jobId;
      if (id) stats?.jobIds.push(id);
      const errors = (job as { status?: { errorResult?: { message?: string } } }).status?.errorResult;
      if (errors) throw Object.assign(new Error(errors.message ?? "load job failed"), { errors: [errors] });
      return id;
    } catch (error) {
      throw new BigQueryRequestError(description, `loading ${batch.format === "parquet" ? "Parquet" : "NDJSON"} into ${ref.schema}.${ref.table}`, error);
    } finally {
      if (written) await rm(written, { force: true });
    }
  };

  return {
    name: "bigquery",
    formats: ["parquet"],
    validateName(name) {
      if (name.length === 0) return "it is empty";
      if (name.length > 1024) return "it is longer than 1024 characters";
      if (/[\u0000`]/.test(name)) return "it contains a NUL character or a backtick";
      return undefined;
    },
    quoteIdentifier,
    literal: sqlLiteral,
    timestampLiteral: (iso) => `TIMESTAMP ${sqlLiteral(iso)}`,
    columnType: bigqueryColumnType,
    async transaction(work) {
      const pending: string[] = [];
      const staging: TableRef[] = [];
      const tx: TableTransaction = {
        async execute(sql) {
          // DML waits for the transaction at the end; DDL cannot be part of one and runs now.
          if (/^\s*(DELETE|INSERT|UPDATE|MERGE)\b/i.test(sql)) {
            pending.push(sql);
            return {};
          }
          const result = await query(sql, "statement failed");
          return result.jobId !== undefined ? { queryId: result.jobId } : {};
        },
        describeTable: describe,
        async writeBatch(ref, batch) {
          const stage = { schema: ref.schema, table: `orch_staging_${randomBytes(8).toString("hex")}` };
          staging.push(stage);
          const jobId = await load(stage, batch);
          const names = batch.columns.map((c) => quoteIdentifier(c.name)).join(", ");
          pending.push(`INSERT INTO ${table(ref)} (${names}) SELECT ${names} FROM ${table(stage)}`);
          return { rows: batch.format === "rows" ? batch.rows.length : batch.rows, ...(jobId !== undefined ? { queryId: jobId } : {}) };
        },
      };
      try {
        const result = await work(tx);
        if (pending.length) await query(`BEGIN TRANSACTION;\n${pending.map((s) => `${s};\n`).join("")}COMMIT TRANSACTION;`, "replacing the slice failed");
        return result;
      } finally {
        for (const stage of staging) await bigquery.dataset(stage.schema).table(stage.table).delete().catch(() => undefined);
      }
    },
    async readSlice(slice) {
      const columns = (await describe(slice)) ?? [];
      const wanted = slice.columns ? new Set(slice.columns) : undefined;
      const select = `SELECT ${slice.columns ? slice.columns.map(quoteIdentifier).join(", ") : "*"} FROM ${table(slice)}${slice.predicate !== undefined ? ` WHERE ${slice.predicate}` : ""}`;
      const result = await query(select, `reading ${slice.schema}.${slice.table} failed`);
      const batch: TableBatch = { format: "rows", rows: result.rows, columns: columns.filter((c) => !wanted || wanted.has(c.name)) };
      return { batch, ...(result.jobId !== undefined ? { queryId: result.jobId } : {}) };
    },
  };
}

export interface RunQueryOptions {
  /** What the query is for, in messages: `reading sales.orders failed`. */
  readonly what: string;
  readonly params?: readonly unknown[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly stats?: BigQueryJobStats;
  readonly signal?: AbortSignal;
}

/**
 * Runs a query job and reads all its rows. With `maximumBytesBilled` set, a SELECT is dry-run first and refused
 * when it would bill more; the limit also goes with the job, so BigQuery enforces it too.
 */
export async function runQuery(bigquery: BigQuery, config: BigQueryConfig, sql: string, options: RunQueryOptions): Promise<{ rows: Record<string, unknown>[]; jobId: string | undefined; totalBytesProcessed: number }> {
  if (config.maximumBytesBilled !== undefined && /^\s*(SELECT|WITH)\b/i.test(sql)) await checkBytes(bigquery, config, sql, options.what);
  try {
    const [job] = await bigquery.createQueryJob({
      query: sql,
      location: config.location,
      ...(options.params ? { params: [...options.params] } : {}),
      ...(options.labels ? { labels: { ...options.labels } } : {}),
      ...(config.maximumBytesBilled !== undefined ? { maximumBytesBilled: String(config.maximumBytesBilled) } : {}),
    });
    const cancel = () => void job.cancel().catch(() => undefined);
    options.signal?.addEventListener("abort", cancel, { once: true });
    try {
      const [rows] = await job.getQueryResults({ autoPaginate: true });
      const bytes = Number((job.metadata as { statistics?: { totalBytesProcessed?: string } }).statistics?.totalBytesProcessed ?? 0);
      if (job.id) options.stats?.jobIds.push(job.id);
      if (options.stats) options.stats.totalBytesProcessed += bytes;
      return { rows: (rows as Record<string, unknown>[]).map((row) => plainValue(row) as Record<string, unknown>), jobId: job.id, totalBytesProcessed: bytes };
    } finally {
      options.signal?.removeEventListener("abort", cancel);
    }
  } catch (error) {
    throw new BigQueryRequestError(describeProject(config), options.what, error);
  }
}

/** Dry-runs `sql` and refuses it when it would bill more than `maximumBytesBilled`, before anything is billed. */
export async function checkBytes(bigquery: BigQuery, config: BigQueryConfig, sql: string, what: string): Promise<number> {
  let bytes: number;
  try {
    const [job] = await bigquery.createQueryJob({ query: sql, dryRun: true, location: config.location });
    bytes = Number((job.metadata as { statistics?: { totalBytesProcessed?: string } }).statistics?.totalBytesProcessed ?? 0);
  } catch (error) {
    throw new BigQueryRequestError(describeProject(config), `${what} (dry run)`, error);
  }
  if (config.maximumBytesBilled !== undefined && bytes > config.maximumBytesBilled) {
    throw bigqueryError(
      BigQueryErrorCode.BIGQUERY_BYTES_LIMIT,
      `${describeProject(config)}: the query would process ${bytes} bytes, more than maximumBytesBilled (${config.maximumBytesBilled}); it was not run. Narrow it (partition filter, fewer columns) or raise maximumBytesBilled.`,
      { details: { totalBytesProcessed: bytes, maximumBytesBilled: config.maximumBytesBilled } },
    );
  }
  return bytes;
}
