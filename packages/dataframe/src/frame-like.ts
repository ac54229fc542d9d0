// What counts as a dataframe at a step boundary, and how any of them becomes a Polars frame to validate.
import pl from "nodejs-polars";
import { Table } from "apache-arrow";
import { describeValue } from "@orch/core";
import { tableToPolars } from "./ipc.ts";

/** A value a frame schema accepts: a Polars DataFrame or LazyFrame, or an Arrow Table. */
export type FrameLike = pl.DataFrame | pl.LazyDataFrame | Table;

// Polars brands its frames with Symbol.toStringTag and Arrow with Symbol.for(...), so these work across copies
// of either library.
export const isPolarsDataFrame = (value: unknown): value is pl.DataFrame => tag(value) === "DataFrame";
export const isPolarsLazyFrame = (value: unknown): value is pl.LazyDataFrame => tag(value) === "LazyDataFrame";
export const isArrowTable = (value: unknown): value is Table => Table.isTable(value);

/** True for a Polars DataFrame, a Polars LazyFrame or an Arrow Table: the kernel uses it to spot undeclared frames. */
export function isDataFrameLike(value: unknown): value is FrameLike {
  return isPolarsDataFrame(value) || isPolarsLazyFrame(value) || isArrowTable(value);
}

/** `polars DataFrame (3 rows × 2 columns)`, `Arrow Table (…)`, `polars LazyFrame`, or core's description of other values. */
export function describeFrameValue(value: unknown): string {
  if (isPolarsDataFrame(value)) return `polars DataFrame (${value.height} rows × ${value.width} columns)`;
  if (isPolarsLazyFrame(value)) return "polars LazyFrame";
  if (isArrowTable(value)) return `Arrow Table (${value.numRows} rows × ${value.numCols} columns)`;
  return describeValue(value);
}

export function toLazyFrame(value: FrameLike): pl.LazyDataFrame {
  if (isPolarsLazyFrame(value)) return value;
  if (isPolarsDataFrame(value)) return value.lazy();
  return tableToPolars(value).lazy();
}

function tag(value: unknown): unknown {
  return typeof value === "object" && value !== null ? (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] : undefined;
}
