import type { StoredColumn, TableBatch, TableRef, TableSlice, TableTransaction, WarehouseClient } from "@orch/core";
import type { SharedPool, SnowflakeSession } from "./snowflake-pool.ts";
import { bindable, quoteIdentifier, snowflakeColumnType, sqlLiteral, storedType } from "./snowflake-types.ts";

export interface SnowflakeClientOptions {
  /** QUERY_TAG of every statement the client runs (the IO manager sets the run id and asset key). */
  readonly queryTag?: string;
  /** Releases the pool on close. Default true. */
  readonly releasePool?: boolean;
}

/**
 * The table IO manager's client for Snowflake. Frames are written with the driver's array binding: one
 * `INSERT ... VALUES (?, ...)` bound to many rows, sent in requests of `bindValuesPerRequest` values (a million-row
 * frame of four columns is two requests), never a statement per row. The slice's DELETE and the INSERTs commit
 * together in one transaction.
 */
export function snowflakeClient(pool: SharedPool, options: SnowflakeClientOptions = {}): WarehouseClient {
  const tag = options.queryTag;
  const execute = (session: SnowflakeSession, sql: string, binds?: readonly unknown[]) => session.execute(sql, binds, tag !== undefined ? { tag } : {});
  const table = (ref: TableRef) => `${quoteIdentifier(ref.schema)}.${quoteIdentifier(ref.table)}`;
  return {
    name: "snowflake",
    formats: ["rows"],
    validateName(name) {
      if (name.length === 0) return "it is empty";
      if (name.length > 255) return "it is longer than 255 characters";
      if (name.includes("\u0000")) return "it contains a NUL character";
      return undefined;
    },
    quoteIdentifier,
    literal: sqlLiteral,
    timestampLiteral: (iso) => `${sqlLiteral(iso)}::TIMESTAMP_TZ`,
    columnType: snowflakeColumnType,
    transaction: (work) =>
      pool.withConnection(async (session) => {
        const state = { open: false };
        try {
          const result = await work(transactionOn(session, execute, table, pool.config.bindValuesPerRequest, state));
          if (state.open) await execute(session, "COMMIT");
          return result;
        } catch (error) {
          if (state.open) await execute(session, "ROLLBACK").catch(() => undefined);
          throw error;
        }
      }),
    readSlice: (slice) =>
      pool.withConnection(async (session) => {
        const columns = (await describe(session, execute, slice)) ?? [];
        const wanted = slice.columns ? new Set(slice.columns) : undefined;
        const select = `SELECT ${slice.columns ? slice.columns.map(quoteIdentifier).join(", ") : "*"} FROM ${table(slice)}${slice.predicate !== undefined ? ` WHERE ${slice.predicate}` : ""}${slice.limit !== undefined ? ` LIMIT ${Math.trunc(slice.limit)}` : ""}`;
        const result = await execute(session, select);
        const batch: TableBatch = { format: "rows", rows: result.rows, columns: columns.filter((c) => !wanted || wanted.has(c.name)) };
        return { batch, queryId: result.queryId };
      }),
    async close() {
      if (options.releasePool ?? true) await pool.release();
    },
  };
}

type Execute = (session: SnowflakeSession, sql: string, binds?: readonly unknown[]) => ReturnType<SnowflakeSession["execute"]>;

/**
 * The transaction opens at the first DML statement: Snowflake commits an open transaction before DDL, so DDL runs
 * outside it (and closes one that is open); the slice's DELETE and the INSERTs always share one.
 */
function transactionOn(session: SnowflakeSession, execute: Execute, table: (ref: TableRef) => string, bindValues: number, state: { open: boolean }): TableTransaction {
  const dml = async (sql: string, binds?: readonly unknown[]) => {
    if (!state.open) {
      await execute(session, "BEGIN");
      state.open = true;
    }
    return execute(session, sql, binds);
  };
  return {
    async execute(sql) {
      const ddl = /^\s*(CREATE|ALTER|DROP)\b/i.test(sql);
      const result = ddl ? await execute(session, sql) : await dml(sql);
      if (ddl) state.open = false;
      return { queryId: result.queryId, ...(result.rowsAffected !== undefined ? { rows: result.rowsAffected } : {}) };
    },
    describeTable: (ref) => describe(session, execute, ref),
    async writeBatch(ref, batch) {
      if (batch.format !== "rows") throw new TypeError(`the Snowflake client writes row batches, got ${batch.format}`);
      const names = batch.columns.map((c) => c.name);
      const sql = `INSERT INTO ${table(ref)} (${names.map(quoteIdentifier).join(", ")}) VALUES (${names.map(() => "?").join(", ")})`;
      const rowsPerRequest = Math.max(1, Math.floor(bindValues / Math.max(1, names.length)));
      let rows = 0;
      let queryId: string | undefined;
      for (let start = 0; start < batch.rows.length; start += rowsPerRequest) {
        const binds = batch.rows.slice(start, start + rowsPerRequest).map((row) => names.map((name) => bindable(row[name])));
        const result = await dml(sql, binds);
        rows += result.rowsAffected ?? binds.length;
        queryId = result.queryId;
      }
      return { rows, ...(queryId !== undefined ? { queryId } : {}) };
    },
  };
}

async function describe(session: SnowflakeSession, execute: Execute, ref: TableRef | TableSlice): Promise<StoredColumn[] | undefined> {
  const result = await execute(
    session,
    "SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
    [ref.schema, ref.table],
  );
  const rows = result.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v])));
  return rows.length ? rows.map((r) => ({ name: String(r["column_name"]), type: storedType(String(r["data_type"]), r["numeric_precision"], r["numeric_scale"]) })) : undefined;
}
