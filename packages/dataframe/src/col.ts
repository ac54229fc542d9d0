// Column factories, one per dtype. The value types are what nodejs-polars gives back from `toRecords()`.
import { Column } from "./column.ts";
import type { DType, SimpleKind, TimeUnit } from "./dtypes.ts";

/** The row value of a column, with `null` when it is nullable. */
export type ColumnValue<C> = C extends Column<infer T, infer N, boolean> ? (N extends true ? T | null : T) : never;

type StructValue<F extends Record<string, Column<unknown, boolean, boolean>>> = {
  -readonly [K in keyof F]: ColumnValue<F[K]>;
};

function make<T>(dtype: DType): Column<T> {
  return new Column<T>({ dtype, nullable: false, optional: false, checks: [] });
}
const simple = <T>(kind: SimpleKind) => () => make<T>({ kind });

export const col = {
  int8: simple<number>("int8"),
  int16: simple<number>("int16"),
  int32: simple<number>("int32"),
  /** nodejs-polars returns int64 values as JS numbers (exact up to 2^53). */
  int64: simple<number>("int64"),
  uint8: simple<number>("uint8"),
  uint16: simple<number>("uint16"),
  uint32: simple<number>("uint32"),
  /** nodejs-polars returns uint64 values as bigint. */
  uint64: simple<bigint>("uint64"),
  float32: simple<number>("float32"),
  float64: simple<number>("float64"),
  boolean: simple<boolean>("boolean"),
  utf8: simple<string>("utf8"),
  categorical: simple<string>("categorical"),
  date: simple<Date>("date"),
  datetime: (unit: TimeUnit = "us", timezone: string | null = null) => make<Date>({ kind: "datetime", unit, timezone }),
  /** Durations read back as numbers in the column's unit. */
  duration: (unit: TimeUnit = "us") => make<number>({ kind: "duration", unit }),
  /** nodejs-polars cannot turn decimals into JS values; cast to utf8 to read them exactly. Typed as their text. */
  decimal: (precision: number, scale: number) => make<string>({ kind: "decimal", precision, scale }),
  list: <I extends Column<unknown, boolean, boolean>>(inner: I) =>
    make<ColumnValue<I>[]>({ kind: "list", inner: inner.spec.dtype }),
  struct: <F extends Record<string, Column<unknown, boolean, boolean>>>(fields: F) =>
    make<StructValue<F>>({
      kind: "struct",
      fields: Object.fromEntries(Object.entries(fields).map(([name, c]) => [name, c.spec.dtype])),
    }),
};
