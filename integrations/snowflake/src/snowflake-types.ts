// Logical column types (shared with @orch/dataframe) as Snowflake's information_schema reports them, so a
// declared type and a stored one compare as strings.
const SIMPLE: Record<string, string> = {
  float32: "FLOAT", float64: "FLOAT", boolean: "BOOLEAN", utf8: "TEXT", categorical: "TEXT", date: "DATE",
};

/** `int64` → `NUMBER(38,0)`, `datetime[us, UTC]` → `TIMESTAMP_TZ`, `list[utf8]` → `VARIANT`. */
export function snowflakeColumnType(type: string): string {
  const simple = SIMPLE[type];
  if (simple) return simple;
  if (/^u?int(8|16|32|64)$/.test(type)) return "NUMBER(38,0)";
  const datetime = /^datetime\[(ms|us|ns)(?:, (.+))?\]$/.exec(type);
  if (datetime) return datetime[2] ? "TIMESTAMP_TZ" : "TIMESTAMP_NTZ";
  const decimal = /^decimal\[(\d+), (\d+)\]$/.exec(type);
  if (decimal) return `NUMBER(${decimal[1]},${decimal[2]})`;
  if (/^(list\[|struct\{)/.test(type)) return "VARIANT";
  throw new TypeError(`no Snowflake column type for logical type "${type}"`);
}

/** information_schema's `NUMBER` with precision and scale → `NUMBER(38,0)`; other types as reported. */
export function storedType(dataType: string, precision: unknown, scale: unknown): string {
  return dataType === "NUMBER" && precision !== null && precision !== undefined ? `NUMBER(${Number(precision)},${Number(scale ?? 0)})` : dataType;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A Snowflake string literal: quotes doubled, and backslashes too (Snowflake reads them as escapes). */
export function sqlLiteral(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/** A value as the driver binds it: dates as ISO 8601 instants, bigints as decimal text, nested values as JSON. */
export function bindable(value: unknown): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return JSON.stringify(value);
}
