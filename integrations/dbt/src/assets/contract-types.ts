// dbt contract `data_type`s (as adapters spell them) → @orch/dataframe column factories, as plain descriptions so
// this file needs no import of the optional peer.

type SimpleKind = "int8" | "int16" | "int32" | "int64" | "float32" | "float64" | "boolean" | "utf8" | "date";

export type ContractDType =
  | { readonly kind: SimpleKind }
  | { readonly kind: "datetime"; readonly timezone: string | null }
  | { readonly kind: "decimal"; readonly precision: number; readonly scale: number };

const SIMPLE: Record<string, SimpleKind> = {
  tinyint: "int8",
  byteint: "int8",
  smallint: "int16",
  int2: "int16",
  integer: "int32",
  int: "int32",
  int4: "int32",
  bigint: "int64",
  int8: "int64",
  int64: "int64",
  real: "float32",
  float4: "float32",
  float: "float64",
  float8: "float64",
  float64: "float64",
  double: "float64",
  "double precision": "float64",
  boolean: "boolean",
  bool: "boolean",
  varchar: "utf8",
  "character varying": "utf8",
  char: "utf8",
  character: "utf8",
  nvarchar: "utf8",
  text: "utf8",
  string: "utf8",
  date: "date",
};

const NAIVE_TIMESTAMPS = new Set(["timestamp", "timestamp_ntz", "timestamp without time zone", "datetime"]);
const ZONED_TIMESTAMPS = new Set(["timestamp_tz", "timestamptz", "timestamp with time zone", "timestamp_ltz"]);
const DECIMALS = new Set(["numeric", "decimal", "number", "bignumeric"]);

/** Names accepted by `contractDType`, for messages. */
export const KNOWN_CONTRACT_TYPES = [...Object.keys(SIMPLE), ...NAIVE_TIMESTAMPS, ...ZONED_TIMESTAMPS, ...DECIMALS].sort();

/**
 * `numeric(10,2)` → decimal(10, 2); `varchar(255)` → utf8; `timestamp_tz` → datetime in UTC; undefined for a type
 * it does not know. A bare `numeric`/`number` (no precision) reads back as float64, as warehouse clients return it.
 */
export function contractDType(dataType: string): ContractDType | undefined {
  const text = dataType.trim().toLowerCase().replace(/\s+/g, " ");
  const match = /^([a-z_ ]+?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(text);
  if (!match) return undefined;
  const base = match[1] as string;
  const precision = match[2];
  if (DECIMALS.has(base)) {
    if (precision === undefined) return { kind: "float64" };
    return { kind: "decimal", precision: Number(precision), scale: Number(match[3] ?? 0) };
  }
  if (NAIVE_TIMESTAMPS.has(base)) return { kind: "datetime", timezone: null };
  if (ZONED_TIMESTAMPS.has(base)) return { kind: "datetime", timezone: "UTC" };
  const simple = SIMPLE[base];
  return simple ? { kind: simple } : undefined;
}
