// The warehouse side of the table IO manager: what a client (DuckDB, Snowflake, BigQuery) must provide. Described
// structurally so core pins no SDK.

/**
 * A column as the table IO manager sees it. `type` is a logical type label shared with @orch/dataframe:
 * `int8`…`int64`, `uint8`…`uint64`, `float32`, `float64`, `boolean`, `utf8`, `categorical`, `date`,
 * `datetime[ms|us|ns]` or `datetime[us, UTC]`, `duration[us]`, `decimal[p, s]`, `list[...]`, `struct{...}`.
 */
export interface TableColumn {
  readonly name: string;
  readonly type: string;
}

/** A column as stored in the warehouse, with the warehouse's own type name (`BIGINT`, `TIMESTAMP WITH TIME ZONE`). */
export interface StoredColumn {
  readonly name: string;
  readonly type: string;
}

/**
 * Data in transit between a type handler and a client, in a bulk format: a Parquet file on local disk, or (for
 * small values and plain row objects) rows. `dispose` removes temporary files. Batches a client reads back carry
 * the warehouse's own type names in `columns`.
 */
export type TableBatch =
  | { readonly format: "parquet"; readonly path: string; readonly rows: number; readonly columns: readonly TableColumn[]; dispose?(): Promise<void> }
  | { readonly format: "rows"; readonly rows: readonly Record<string, unknown>[]; readonly columns: readonly TableColumn[]; dispose?(): Promise<void> };

export type TableBatchFormat = TableBatch["format"];

export interface TableRef {
  readonly schema: string;
  readonly table: string;
}

/** The part of a table a step writes or reads: the whole table, or the rows a partition predicate selects. */
export interface TableSlice extends TableRef {
  /** A SQL boolean expression; absent for the whole table. */
  readonly predicate?: string;
  /** Columns to read; absent for all. */
  readonly columns?: readonly string[];
  /** At most this many rows (`hasOutput` reads one); absent for all. */
  readonly limit?: number;
}

export interface StatementResult {
  /** The warehouse's id for the statement, for finding it in its query history. */
  readonly queryId?: string;
  readonly rows?: number;
}

/** Statements inside one transaction: everything commits together or nothing does. */
export interface TableTransaction {
  execute(sql: string): Promise<StatementResult>;
  /** Appends a batch to a table with the batch's columns, in bulk (never row by row INSERTs for frames). */
  writeBatch(ref: TableRef, batch: TableBatch): Promise<StatementResult>;
  /** Stored columns of a table, or undefined when it does not exist. */
  describeTable(ref: TableRef): Promise<readonly StoredColumn[] | undefined>;
}

export interface WarehouseClient {
  /** `duckdb`, `snowflake`: shown in messages. */
  readonly name: string;
  /**
   * The database (catalog) every name is qualified with, when the warehouse needs it: in DuckDB a schema named like
   * the file's catalog is otherwise ambiguous.
   */
  readonly catalog?: string;
  /** Bulk formats the client reads and writes, best first; `rows` is always accepted as a fallback. */
  readonly formats: readonly TableBatchFormat[];
  /** Why the warehouse cannot hold this name, or undefined when it can. */
  validateName(name: string, what: "schema" | "table" | "column"): string | undefined;
  quoteIdentifier(name: string): string;
  /** A SQL string literal. */
  literal(value: string): string;
  /** A SQL timestamp-with-time-zone literal for an ISO 8601 instant. */
  timestampLiteral(iso: string): string;
  /** The warehouse column type for a logical type (as `describeTable` reports it, so the two compare). */
  columnType(type: string): string;
  /** Runs `work` in one transaction on a connection of its own; rolls back when `work` throws. */
  transaction<T>(work: (tx: TableTransaction) => Promise<T>): Promise<T>;
  /** Reads a slice in one of `formats` (the handler's preference); the caller disposes the batch. */
  readSlice(slice: TableSlice, formats: readonly TableBatchFormat[]): Promise<{ batch: TableBatch; queryId?: string }>;
  close?(): Promise<void>;
}
