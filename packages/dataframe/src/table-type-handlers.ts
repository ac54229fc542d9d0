// Table IO manager type handlers for Polars frames and Arrow tables: bulk Parquet batches both ways.
import pl from "nodejs-polars";
import type { Table } from "apache-arrow";
import { loadsAsOf, rowsTypeHandler, type LoadsAs, type TableBatch, type TableTypeHandler, type TypeCheck, type TypeCheckContext } from "@orch/core";
import { isArrowTable, isPolarsDataFrame, isPolarsLazyFrame } from "./frame-like.ts";
import type { FrameSchema } from "./frame.ts";
import { polarsToTable, tableToPolars } from "./ipc.ts";
import { asFrameSchema, castToSchema, frameSchemaColumns, polarsColumns, polarsParquetBatch } from "./table-columns.ts";

/**
 * Polars DataFrames and LazyFrames (collected) to tables, and tables back to DataFrames: the default for inputs
 * that declare a frame schema or nothing.
 */
export function polarsTypeHandler(): TableTypeHandler<pl.DataFrame> {
  return {
    name: "polars",
    canStore: (value) => isPolarsDataFrame(value) || isPolarsLazyFrame(value),
    loads: (type) => loadsAsOf(type) === "polars" || (loadsAsOf(type) === undefined && asFrameSchema(type) !== undefined),
    declaredColumns: frameSchemaColumns,
    readFormats: ["parquet", "rows"],
    async toBatch(value, options) {
      const frame = isPolarsLazyFrame(value) ? await value.collect() : (value as pl.DataFrame);
      return toFrameBatch(frame, options.formats, options.tempDir);
    },
    fromBatch: async (batch, type) => castToSchema(polarsFrom(batch), type, pl),
  };
}

/** Apache Arrow Tables to tables and back; an input gets one when its schema says `loadsAs: "arrow"` (see `arrowInput`). */
export function arrowTableTypeHandler(): TableTypeHandler<Table> {
  return {
    name: "arrow",
    canStore: isArrowTable,
    loads: (type) => loadsAsOf(type) === "arrow",
    declaredColumns: frameSchemaColumns,
    readFormats: ["parquet", "rows"],
    toBatch: async (value, options) => toFrameBatch(tableToPolars(value as Table), options.formats, options.tempDir),
    fromBatch: async (batch, type) => polarsToTable(castToSchema(polarsFrom(batch), type, pl)),
  };
}

/** Polars DataFrame/LazyFrame, Arrow Table, row objects: the handlers of every warehouse's table IO manager by default (an input without a declared type gets Polars). */
export function defaultTableTypeHandlers(): TableTypeHandler[] {
  return [polarsTypeHandler(), arrowTableTypeHandler(), rowsTypeHandler()];
}

/** An input type that checks a frame schema and asks the table IO manager for an Arrow Table. */
export function arrowInput(schema: FrameSchema): TypeCheck<Table> & LoadsAs & { readonly schema: FrameSchema } {
  return {
    kind: "orch.type",
    name: schema.name,
    loadsAs: "arrow",
    schema,
    check: (value: unknown, context: TypeCheckContext) => schema.check(value, context),
  };
}

function toFrameBatch(frame: pl.DataFrame, formats: readonly string[], tempDir: string): TableBatch {
  if (formats.includes("parquet")) return polarsParquetBatch(frame, tempDir);
  return { format: "rows", rows: frame.toRecords() as Record<string, unknown>[], columns: polarsColumns(frame) };
}

function polarsFrom(batch: TableBatch): pl.DataFrame {
  if (batch.format === "parquet") return pl.readParquet(batch.path);
  return pl.DataFrame(batch.rows as Record<string, unknown>[]);
}
