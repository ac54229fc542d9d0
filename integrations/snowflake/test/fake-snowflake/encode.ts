// DuckDB results in Snowflake's JSON result format: a `rowtype` entry per column and every value as a string
// (numbers in decimal, dates as days since the epoch, timestamps as "seconds.nanoseconds[ tzindex]").
import type { DuckDBResultReader, DuckDBType } from "@duckdb/node-api";

export interface RowType {
  name: string;
  type: string;
  scale: number | null;
  precision: number | null;
  nullable: boolean;
  length: number | null;
  byteLength: number | null;
  database: string;
  schema: string;
  table: string;
}

type Encoder = (value: unknown) => string;

const INTEGER = new Set(["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"]);

function column(name: string, type: DuckDBType): { rowtype: RowType; encode: Encoder } {
  const label = type.toString();
  const base = { name, nullable: true, length: null, byteLength: null, database: "", schema: "", table: "" };
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(label);
  if (INTEGER.has(label)) return { rowtype: { ...base, type: "fixed", precision: 38, scale: 0 }, encode: String };
  if (decimal) return { rowtype: { ...base, type: "fixed", precision: Number(decimal[1]), scale: Number(decimal[2]) }, encode: String };
  if (label === "DOUBLE" || label === "FLOAT") return { rowtype: { ...base, type: "real", precision: null, scale: null }, encode: String };
  if (label === "BOOLEAN") return { rowtype: { ...base, type: "boolean", precision: null, scale: null }, encode: (v) => (v ? "1" : "0") };
  if (label === "DATE") return { rowtype: { ...base, type: "date", precision: null, scale: null }, encode: (v) => String((v as { days: number }).days) };
  if (label === "TIMESTAMP WITH TIME ZONE") {
    // Version 1 results carry the offset as a separate index: 1440 is UTC.
    return { rowtype: { ...base, type: "timestamp_tz", precision: 0, scale: 9 }, encode: (v) => `${epochSeconds((v as { micros: bigint }).micros)} 1440` };
  }
  if (label === "TIMESTAMP") return { rowtype: { ...base, type: "timestamp_ntz", precision: 0, scale: 9 }, encode: (v) => epochSeconds((v as { micros: bigint }).micros) };
  return { rowtype: { ...base, type: "text", precision: null, scale: null, length: 16777216, byteLength: 16777216 }, encode: String };
}

/** Microseconds since the epoch as "seconds.nanoseconds" with nine fraction digits (floor for negatives). */
function epochSeconds(micros: bigint): string {
  let seconds = micros / 1_000_000n;
  let fraction = micros % 1_000_000n;
  if (fraction < 0n) {
    seconds -= 1n;
    fraction += 1_000_000n;
  }
  return `${seconds}.${String(fraction * 1000n).padStart(9, "0")}`;
}

export function encodeResult(reader: DuckDBResultReader, names?: readonly string[]): { rowtype: RowType[]; rowset: (string | null)[][] } {
  const columns = reader.columnTypes().map((type, i) => column(names?.[i] ?? reader.columnName(i), type));
  const rowset = reader.getRows().map((row) => row.map((value, i) => (value === null ? null : columns[i]!.encode(value))));
  return { rowtype: columns.map((c) => c.rowtype), rowset };
}
