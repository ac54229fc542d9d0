import type { TypeCheck } from "../type-check.ts";
import type { TableBatch, TableBatchFormat, TableColumn } from "./table-client.ts";

export interface TableWriteOptions {
  /** What the client reads, best first. */
  readonly formats: readonly TableBatchFormat[];
  /** A directory for temporary files (Parquet batches). */
  readonly tempDir: string;
}

/**
 * Converts one kind of in-memory value (an Arrow Table, a Polars DataFrame, row objects) to and from table batches.
 * The table IO manager picks the first handler whose `canStore` accepts an output, and for an input the first
 * whose `loads` accepts the declared type (else the first handler, the default).
 */
export interface TableTypeHandler<T = unknown> {
  /** `polars`, `arrow`, `rows`: shown in messages. */
  readonly name: string;
  canStore(value: unknown): boolean;
  /** Whether a downstream input declaring `type` wants this handler's value type. */
  loads(type: TypeCheck | undefined): boolean;
  /** The columns a declared output type describes (a frame schema), used to create the table. */
  declaredColumns?(type: TypeCheck): readonly TableColumn[] | undefined;
  /**
   * The value as a batch to write; `null` when the value only points at a table the warehouse already holds (a dbt
   * model built it): the IO manager then checks that the table exists and records it.
   */
  toBatch(value: unknown, options: TableWriteOptions): Promise<TableBatch | null>;
  /** For values written in place (`toBatch` gave null): the rows the warehouse reported, when known. */
  rowsInPlace?(value: unknown): number | undefined;
  /** Preferred formats to read in, best first. */
  readonly readFormats: readonly TableBatchFormat[];
  /** The value from a batch; `type` is the input's declared type, so columns can be cast to what it declares. */
  fromBatch(batch: TableBatch, type: TypeCheck | undefined): Promise<T>;
}
