import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { StoredColumn, TableBatch, TableRef, TableSlice, TableTransaction, WarehouseClient } from "@orch/core";
import { openDuckDB, type DuckDBDatabase, type DuckDBOpenOptions } from "./duckdb-database.ts";
import { duckdbColumnType, quoteIdentifier, sqlLiteral } from "./duckdb-types.ts";

export interface DuckDBClientOptions {
  /** Where Parquet files of reads are staged. Default the OS temp directory. */
  readonly tempDir?: string;
}

/** Rows per INSERT statement for row-object batches (bound parameters, not one statement per row). */
const ROWS_PER_STATEMENT = 1_000;

/**
 * The table IO manager's client for DuckDB. Frames travel as Parquet files (DuckDB reads and writes them natively
 * and in parallel; @duckdb/node-api has no Arrow scan without the arrow extension, which cannot be installed
 * offline). Each transaction runs on its own connection of the shared database; write transactions of one
 * process are serialized, so concurrent steps never conflict on DuckDB's optimistic concurrency.
 *
 * Given open options rather than an open database, the client opens the file for each operation and lets it go
 * when no operation is running, so another process (dbt, a notebook) can write the file between steps.
 */
export function duckdbClient(source: DuckDBDatabase | DuckDBOpenOptions, options: DuckDBClientOptions = {}): WarehouseClient {
  const held = "instance" in source ? source : undefined;
  const catalog = catalogOf(held?.path ?? source.path);
  const table = (ref: TableRef) => `${quoteIdentifier(catalog)}.${quoteIdentifier(ref.schema)}.${quoteIdentifier(ref.table)}`;
  const tempDir = options.tempDir ?? tmpdir();
  const withDatabase = async <T>(work: (database: DuckDBDatabase) => Promise<T>): Promise<T> => {
    if (held) return work(held);
    const database = await openDuckDB(source as DuckDBOpenOptions);
    try {
      return await work(database);
    } finally {
      database.release();
    }
  };
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    name: "duckdb",
    catalog,
    formats: ["parquet"],
    validateName(name) {
      if (name.length === 0) return "it is empty";
      if (name.includes("\u0000")) return "it contains a NUL character";
      return undefined;
    },
    quoteIdentifier,
    literal: sqlLiteral,
    timestampLiteral: (iso) => `TIMESTAMPTZ ${sqlLiteral(iso)}`,
    columnType: duckdbColumnType,

    transaction: (work) =>
      serialized(() =>
        withDatabase(async (database) => {
          const connection = await database.connect();
          try {
            await connection.run("BEGIN TRANSACTION");
            try {
              const result = await work(transactionOn(connection, table));
              await connection.run("COMMIT");
              return result;
            } catch (error) {
              await connection.run("ROLLBACK").catch(() => undefined);
              throw error;
            }
          } finally {
            connection.closeSync();
          }
        }),
      ),

    readSlice: (slice, formats) =>
      withDatabase(async (database) => {
        const connection = await database.connect();
        try {
          const select = selectSql(slice, table(slice));
          if (formats.includes("parquet")) {
            const path = join(tempDir, `orch-duckdb-${randomBytes(8).toString("hex")}.parquet`);
            // A staging file read once, right away: uncompressed and without dictionary pages (plain strings write
            // and read faster than building dictionaries), and in no particular row order, as SQL promises for a
            // SELECT without ORDER BY (DuckDB's threads then write without waiting for each other).
            const copied = await connection.run(
              `COPY (${select}) TO ${sqlLiteral(path)} (FORMAT parquet, COMPRESSION uncompressed, DICTIONARY_SIZE_LIMIT 1, PRESERVE_ORDER false)`,
            );
            const columns = await describe(connection, slice);
            return { batch: { format: "parquet" as const, path, rows: Number(copied.rowsChanged), columns, dispose: () => rm(path, { force: true }) } };
          }
          const reader = await connection.runAndReadAll(select);
          const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
          return { batch: { format: "rows" as const, rows, columns: await describe(connection, slice) } };
        } finally {
          connection.closeSync();
        }
      }),

    async close() {
      await queue;
      held?.release();
    },
  };
}

/** DuckDB names a file's catalog after the file name up to its first dot (`sales.duckdb` → `sales`). */
function catalogOf(path: string): string {
  return path === ":memory:" ? "memory" : basename(path).split(".")[0]!;
}

function transactionOn(connection: DuckDBConnection, qualified: (ref: TableRef) => string): TableTransaction {
  return {
    async execute(sql) {
      const result = await connection.run(sql);
      return { rows: Number(result.rowsChanged) };
    },
    describeTable: (ref) => storedColumns(connection, ref),
    async writeBatch(ref, batch) {
      const table = qualified(ref);
      const names = batch.columns.map((c) => quoteIdentifier(c.name)).join(", ");
      let rows = 0;
      if (batch.format === "parquet") {
        const result = await connection.run(`INSERT INTO ${table} (${names}) SELECT ${names} FROM read_parquet(${sqlLiteral(batch.path)})`);
        rows = Number(result.rowsChanged);
      } else {
        rows = await insertRows(connection, table, names, batch);
      }
      return { rows, queryId: await transactionId(connection) };
    },
  };
}

async function insertRows(connection: DuckDBConnection, table: string, names: string, batch: Extract<TableBatch, { format: "rows" }>): Promise<number> {
  const types = batch.columns.map((c) => duckdbColumnType(c.type));
  let inserted = 0;
  for (let start = 0; start < batch.rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = batch.rows.slice(start, start + ROWS_PER_STATEMENT);
    const values: (string | number | bigint | boolean | null)[] = [];
    const tuples = chunk.map((row) => {
      const cells = batch.columns.map((column, i) => {
        values.push(bindable(row[column.name]));
        return `CAST($${values.length} AS ${types[i]})`;
      });
      return `(${cells.join(", ")})`;
    });
    const result = await connection.run(`INSERT INTO ${table} (${names}) VALUES ${tuples.join(", ")}`, values);
    inserted += Number(result.rowsChanged);
  }
  return inserted;
}

function bindable(value: unknown): string | number | bigint | boolean | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string" || typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return value;
  return JSON.stringify(value);
}

async function storedColumns(connection: DuckDBConnection, ref: TableRef): Promise<StoredColumn[] | undefined> {
  const reader = await connection.runAndReadAll(
    // DuckDB identifiers are case-insensitive even when quoted, so "Orders" and orders are one table.
    "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() AND lower(schema_name) = lower($1) AND lower(table_name) = lower($2) ORDER BY column_index",
    [ref.schema, ref.table],
  );
  const rows = reader.getRowObjectsJS() as { column_name: string; data_type: string }[];
  return rows.length ? rows.map((r) => ({ name: r.column_name, type: r.data_type })) : undefined;
}

async function describe(connection: DuckDBConnection, slice: TableSlice) {
  const stored = (await storedColumns(connection, slice)) ?? [];
  const wanted = slice.columns ? new Set(slice.columns) : undefined;
  return stored.filter((c) => !wanted || wanted.has(c.name)).map((c) => ({ name: c.name, type: c.type }));
}

function selectSql(slice: TableSlice, table: string): string {
  const columns = slice.columns ? slice.columns.map(quoteIdentifier).join(", ") : "*";
  const where = slice.predicate !== undefined ? ` WHERE ${slice.predicate}` : "";
  const limit = slice.limit !== undefined ? ` LIMIT ${Math.trunc(slice.limit)}` : "";
  return `SELECT ${columns} FROM ${table}${where}${limit}`;
}

async function transactionId(connection: DuckDBConnection): Promise<string> {
  const reader = await connection.runAndReadAll("SELECT txid_current() AS id");
  return String(reader.getRowObjectsJS()[0]?.["id"]);
}

