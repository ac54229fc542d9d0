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
  /** The asset's `timePartitioning` metadata: new tables are partitioned by it, and a write of one whole partition replaces it with the partition decorator. */
  readonly timePartitioning?: TimePartitioning;
}

export interface TimePartitioning {
  /** The TIMESTAMP or DATE column. */
  readonly field: string;
  readonly type: "HOUR" | "DAY" | "MONTH";
}

/**
 * The table IO manager's client for BigQuery. A write loads the frame (Parquet from Polars, NDJSON from rows) into
 * a staging table with a load job, then replaces the slice in one multi-statement transaction
 * (`BEGIN TRANSACTION; DELETE …; INSERT … SELECT FROM staging; COMMIT TRANSACTION`), so a failure anywhere leaves
 * the previous rows. DDL (datasets, tables, new columns) runs before it: BigQuery allows no DDL in transactions.
 * A table partitioned by `timePartitioning` whose write is exactly one partition takes one load job instead:
 * `table$20240101` with WRITE_TRUNCATE, which BigQuery applies atomically. A write to a new table is one load job
 * appending to it.
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

  const load = async (ref: TableRef, batch: TableBatch, jobId: string, writeDisposition: "WRITE_TRUNCATE" | "WRITE_APPEND" = "WRITE_TRUNCATE"): Promise<string | undefined> => {
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
        writeDisposition,
        createDisposition: "CREATE_IF_NEEDED",
        jobId,
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
      const deletes: string[] = [];
      const writes: { ref: TableRef; batch: TableBatch; jobId: string }[] = [];
      const staging: TableRef[] = [];
      const partitioning = options.timePartitioning;
      const tx: TableTransaction = {
        async execute(sql) {
          // DML waits for the end of the transaction; DDL cannot be part of one and runs now.
          if (/^\s*DELETE\b/i.test(sql)) {
            deletes.push(sql);
            return {};
          }
          const ddl = partitioning && /^\s*CREATE TABLE\b/i.test(sql) ? `${sql} PARTITION BY ${partitionClause(partitioning)}` : sql;
          const result = await query(ddl, "statement failed");
          return result.jobId !== undefined ? { queryId: result.jobId } : {};
        },
        describeTable: describe,
        async writeBatch(ref, batch) {
          // Loaded when the transaction ends, under this job id.
          const jobId = `orch_load_${randomBytes(12).toString("hex")}`;
          writes.push({ ref, batch, jobId });
          return { rows: batch.format === "rows" ? batch.rows.length : batch.rows, queryId: jobId };
        },
      };
      try {
        const result = await work(tx);
        const decorator = partitioning && deletes.length === 1 && writes.length === 1 ? singlePartition(deletes[0]!, table(writes[0]!.ref), partitioning) : undefined;
        if (decorator !== undefined) {
          const { ref, batch, jobId } = writes[0]!;
          await load({ schema: ref.schema, table: `${ref.table}$${decorator}` }, batch, jobId, "WRITE_TRUNCATE");
        } else if (deletes.length === 0) {
          for (const { ref, batch, jobId } of writes) await load(ref, batch, jobId, "WRITE_APPEND");
        } else {
          const inserts: string[] = [];
          for (const { ref, batch, jobId } of writes) {
            const stage = { schema: ref.schema, table: `orch_staging_${randomBytes(8).toString("hex")}` };
            staging.push(stage);
            await load(stage, batch, jobId);
            const names = batch.columns.map((c) => quoteIdentifier(c.name)).join(", ");
            inserts.push(`INSERT INTO ${table(ref)} (${names}) SELECT ${names} FROM ${table(stage)}`);
          }
          await query(`BEGIN TRANSACTION;\n${[...deletes, ...inserts].map((s) => `${s};\n`).join("")}COMMIT TRANSACTION;`, "replacing the slice failed");
        }
        return result;
      } finally {
        for (const stage of staging) await bigquery.dataset(stage.schema).table(stage.table).delete().catch(() => undefined);
      }
    },
    async readSlice(slice) {
      const columns = (await describe(slice)) ?? [];
      const wanted = slice.columns ? new Set(slice.columns) : undefined;
      const select = `SELECT ${slice.columns ? slice.columns.map(quoteIdentifier).join(", ") : "*"} FROM ${table(slice)}${slice.predicate !== undefined ? ` WHERE ${slice.predicate}` : ""}${slice.limit !== undefined ? ` LIMIT ${Math.trunc(slice.limit)}` : ""}`;
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

function partitionClause(partitioning: TimePartitioning): string {
  return `TIMESTAMP_TRUNC(${quoteIdentifier(partitioning.field)}, ${partitioning.type})`;
}

/**
 * The partition decorator (`20240101`, `2024010113`, `202401`) when `deleteSql` removes exactly one whole partition of
 * `table`: the time-window predicate the table IO manager writes, on the partitioning column, one unit wide.
 */
export function singlePartition(deleteSql: string, table: string, partitioning: TimePartitioning): string | undefined {
  const match = /^DELETE FROM (.+) WHERE (.+) >= TIMESTAMP '([^']+)' AND (.+) < TIMESTAMP '([^']+)'$/.exec(deleteSql.trim());
  if (!match || match[1] !== table || match[2] !== match[4] || (match[2] !== partitioning.field && match[2] !== quoteIdentifier(partitioning.field))) return undefined;
  const start = new Date(match[3]!);
  const end = new Date(match[5]!);
  const next = new Date(start);
  if (partitioning.type === "HOUR") next.setUTCHours(next.getUTCHours() + 1);
  else if (partitioning.type === "DAY") next.setUTCDate(next.getUTCDate() + 1);
  else next.setUTCMonth(next.getUTCMonth() + 1);
  const aligned = start.getUTCMinutes() === 0 && start.getUTCSeconds() === 0 && start.getUTCMilliseconds() === 0 && (partitioning.type === "HOUR" || start.getUTCHours() === 0) && (partitioning.type !== "MONTH" || start.getUTCDate() === 1);
  if (!aligned || next.getTime() !== end.getTime()) return undefined;
  const iso = start.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${partitioning.type === "MONTH" ? "" : iso.slice(8, 10)}${partitioning.type === "HOUR" ? iso.slice(11, 13) : ""}`;
}
