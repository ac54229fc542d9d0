// The dtypes a schema can declare, as plain data: comparable, printable, and mapped to Polars and from Arrow.
import pl from "nodejs-polars";
import { OrchError } from "@orch/core";

export type TimeUnit = "ms" | "us" | "ns";

export type SimpleKind =
  | "int8" | "int16" | "int32" | "int64"
  | "uint8" | "uint16" | "uint32" | "uint64"
  | "float32" | "float64" | "boolean" | "utf8" | "categorical" | "date";

export type DType =
  | { readonly kind: SimpleKind }
  | { readonly kind: "datetime"; readonly unit: TimeUnit; readonly timezone: string | null }
  | { readonly kind: "duration"; readonly unit: TimeUnit }
  | { readonly kind: "decimal"; readonly precision: number; readonly scale: number }
  | { readonly kind: "list"; readonly inner: DType }
  | { readonly kind: "struct"; readonly fields: Readonly<Record<string, DType>> };

const SIMPLE_TO_POLARS: Record<SimpleKind, () => pl.DataType> = {
  int8: () => pl.Int8, int16: () => pl.Int16, int32: () => pl.Int32, int64: () => pl.Int64,
  uint8: () => pl.UInt8, uint16: () => pl.UInt16, uint32: () => pl.UInt32, uint64: () => pl.UInt64,
  float32: () => pl.Float32, float64: () => pl.Float64, boolean: () => pl.Bool, utf8: () => pl.Utf8,
  categorical: () => pl.Categorical, date: () => pl.Date,
};

const POLARS_TO_SIMPLE: Record<string, SimpleKind> = {
  Int8: "int8", Int16: "int16", Int32: "int32", Int64: "int64",
  UInt8: "uint8", UInt16: "uint16", UInt32: "uint32", UInt64: "uint64",
  Float32: "float32", Float64: "float64", Bool: "boolean", Utf8: "utf8", String: "utf8",
  Categorical: "categorical", Date: "date",
};

export function toPolarsType(dtype: DType): pl.DataType {
  switch (dtype.kind) {
    case "datetime": return pl.Datetime(dtype.unit, dtype.timezone ?? undefined);
    case "duration": return pl.Duration(dtype.unit);
    case "decimal": return pl.Decimal(dtype.precision, dtype.scale);
    case "list": return pl.List(toPolarsType(dtype.inner));
    case "struct": return pl.Struct(Object.fromEntries(Object.entries(dtype.fields).map(([k, v]) => [k, toPolarsType(v)])));
    default: return SIMPLE_TO_POLARS[dtype.kind]();
  }
}

interface PolarsField { name: string; dtype: pl.DataType }

/** Reads a Polars dtype back into our description; `undefined` for dtypes a schema cannot declare (time, object, ...). */
export function fromPolarsType(dtype: pl.DataType): DType | undefined {
  const variant = dtype.variant as string;
  const simple = POLARS_TO_SIMPLE[variant];
  if (simple) return { kind: simple };
  const inner = (dtype as unknown as { inner: unknown[] | null }).inner ?? [];
  switch (variant) {
    case "Datetime": return { kind: "datetime", unit: inner[0] as TimeUnit, timezone: (inner[1] as string | null | undefined) || null };
    case "Duration": return { kind: "duration", unit: inner[0] as TimeUnit };
    case "Decimal": return { kind: "decimal", precision: (inner[0] as number | null) ?? 38, scale: (inner[1] as number | null) ?? 0 };
    case "List": {
      const item = fromPolarsType(inner[0] as pl.DataType);
      return item && { kind: "list", inner: item };
    }
    case "Struct": {
      const fields: Record<string, DType> = {};
      for (const field of inner as PolarsField[]) {
        const d = fromPolarsType(field.dtype);
        if (!d) return undefined;
        fields[field.name] = d;
      }
      return { kind: "struct", fields };
    }
    default: return undefined;
  }
}

/** `int64`, `datetime[ms, UTC]`, `list[utf8]`, `struct{a: int64}`: used in messages and for comparison. */
export function dtypeLabel(dtype: DType): string {
  switch (dtype.kind) {
    case "datetime": return `datetime[${dtype.unit}${dtype.timezone ? `, ${dtype.timezone}` : ""}]`;
    case "duration": return `duration[${dtype.unit}]`;
    case "decimal": return `decimal[${dtype.precision}, ${dtype.scale}]`;
    case "list": return `list[${dtypeLabel(dtype.inner)}]`;
    case "struct": return `struct{${Object.entries(dtype.fields).map(([k, v]) => `${k}: ${dtypeLabel(v)}`).join(", ")}}`;
    default: return dtype.kind;
  }
}

export function polarsTypeLabel(dtype: pl.DataType): string {
  const ours = fromPolarsType(dtype);
  return ours ? dtypeLabel(ours) : String(dtype);
}

export function sameDType(a: DType, b: DType): boolean {
  return dtypeLabel(a) === dtypeLabel(b);
}

const NUMERIC = new Set(["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64", "decimal"]);
export const isNumeric = (d: DType): boolean => NUMERIC.has(d.kind);
export const isTemporal = (d: DType): boolean => d.kind === "date" || d.kind === "datetime" || d.kind === "duration";
/** Min/max make sense for these; lists, structs and categoricals have no useful order here. */
export const isOrderable = (d: DType): boolean => isNumeric(d) || isTemporal(d) || d.kind === "utf8";

export function unsupportedDType(what: string, column: string): OrchError {
  return new OrchError("DATAFRAME_UNSUPPORTED_DTYPE", `Column "${column}" has dtype ${what}, which a frame schema cannot declare.`, {
    pkg: "dataframe",
  });
}
