// Logical column types (shared with @orch/dataframe) as GoogleSQL type names; tables.get reports legacy names
// (INTEGER, FLOAT, BOOLEAN, RECORD), which `standardType` maps back so the two compare as strings.
const SIMPLE: Record<string, string> = {
  float32: "FLOAT64", float64: "FLOAT64", boolean: "BOOL", utf8: "STRING", categorical: "STRING", date: "DATE",
};

export function bigqueryColumnType(type: string): string {
  const simple = SIMPLE[type];
  if (simple) return simple;
  if (/^u?int(8|16|32|64)$/.test(type)) return "INT64";
  const datetime = /^datetime\[(ms|us|ns)(?:, (.+))?\]$/.exec(type);
  if (datetime) return datetime[2] ? "TIMESTAMP" : "DATETIME";
  if (/^decimal\[/.test(type)) return "NUMERIC";
  throw new TypeError(`no BigQuery column type for logical type "${type}"`);
}

export function standardType(type: string): string {
  return ({ INTEGER: "INT64", FLOAT: "FLOAT64", BOOLEAN: "BOOL", RECORD: "STRUCT", BIGDECIMAL: "BIGNUMERIC" } as Record<string, string>)[type] ?? type;
}

export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/\\/g, "\\\\").replace(/`/g, "\\`")}\``;
}

/** A GoogleSQL string literal (backslash escapes). */
export function sqlLiteral(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** Values from the client as plain JavaScript: TIMESTAMP → Date, DATE/DATETIME → their text, NUMERIC → number. */
export function plainValue(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const name = value.constructor?.name;
  if (name === "BigQueryTimestamp") return new Date((value as { value: string }).value);
  if (name === "BigQueryDate" || name === "BigQueryDatetime" || name === "BigQueryTime") return (value as { value: string }).value;
  if (name === "Big") return Number(String(value));
  if (Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map(plainValue);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainValue(v)]));
}

/** A row value as newline-delimited JSON for a load job. */
export function jsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  return value ?? null;
}
