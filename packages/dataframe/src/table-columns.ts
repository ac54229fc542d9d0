// Frames and frame schemas as the table IO manager's columns (logical type labels shared with @orch/core).
import type pl from "nodejs-polars";
import { rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { TableBatch, TableColumn, TypeCheck } from "@orch/core";
import { dtypeLabel, fromPolarsType, toPolarsType } from "./dtypes.ts";
import { FrameSchema } from "./frame.ts";

/** The declared columns of a frame schema, or undefined for other type checks. */
export function frameSchemaColumns(type: TypeCheck | undefined): TableColumn[] | undefined {
  const schema = asFrameSchema(type);
  return schema ? Object.entries(schema.columns).map(([name, column]) => ({ name, type: dtypeLabel(column.spec.dtype) })) : undefined;
}

export function asFrameSchema(type: TypeCheck | undefined): FrameSchema | undefined {
  if (type instanceof FrameSchema) return type;
  const inner = (type as { schema?: unknown } | undefined)?.schema;
  return inner instanceof FrameSchema ? inner : undefined;
}

export function polarsColumns(frame: pl.DataFrame): TableColumn[] {
  return frame.getColumns().map((series) => {
    const dtype = fromPolarsType(series.dtype);
    if (!dtype) throw new TypeError(`column "${series.name}" has dtype ${String(series.dtype)}, which has no table column type`);
    return { name: series.name, type: dtypeLabel(dtype) };
  });
}

/** A Parquet batch of a Polars frame (uncompressed: DuckDB and Polars read it fastest, and it lives seconds). */
export function polarsParquetBatch(frame: pl.DataFrame, tempDir: string): TableBatch {
  const path = join(tempDir, `orch-table-${randomBytes(8).toString("hex")}.parquet`);
  frame.writeParquet(path, { compression: "uncompressed" });
  return { format: "parquet", path, rows: frame.height, columns: polarsColumns(frame), dispose: () => rm(path, { force: true }) };
}

/** Casts columns whose dtype differs from what the schema declares (e.g. a warehouse's microsecond timestamps). */
export function castToSchema(frame: pl.DataFrame, type: TypeCheck | undefined, polars: typeof pl): pl.DataFrame {
  const schema = asFrameSchema(type);
  if (!schema) return frame;
  const casts: pl.Expr[] = [];
  for (const [name, column] of Object.entries(schema.columns)) {
    if (!frame.columns.includes(name)) continue;
    const have = fromPolarsType(frame.getColumn(name).dtype);
    if (have && dtypeLabel(have) !== dtypeLabel(column.spec.dtype)) casts.push(polars.col(name).cast(toPolarsType(column.spec.dtype)));
  }
  return casts.length ? frame.withColumns(...casts) : frame;
}
