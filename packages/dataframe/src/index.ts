export { col, type ColumnValue } from "./col.ts";
export { Column, type Bound, type BoundOptions, type CheckOptions, type ColumnCheck, type ColumnSpec } from "./column.ts";
export { dtypeLabel, fromPolarsType, toPolarsType, type DType, type TimeUnit } from "./dtypes.ts";
export { frame, FrameSchema, type Columns, type FrameCheck, type FrameOptions, type Infer } from "./frame.ts";
export { describeFrameValue, isArrowTable, isDataFrameLike, isPolarsDataFrame, isPolarsLazyFrame, type FrameLike } from "./frame-like.ts";
export { frameFromIPC, frameToIPC } from "./ipc.ts";
export { formatReport, reportMetadata } from "./report.ts";
export { undeclaredFrameError } from "./type-check.ts";
export type { CheckOutcome, ColumnStats, ValidateOptions, ValidationReport } from "./validate.ts";
