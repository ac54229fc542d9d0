// Logical column types (shared with @orch/dataframe) as DuckDB names them in information_schema, so a declared
// type and a stored one compare as strings.

const SIMPLE: Record<string, string> = {
  int8: "TINYINT", int16: "SMALLINT", int32: "INTEGER", int64: "BIGINT",
  uint8: "UTINYINT", uint16: "USMALLINT", uint32: "UINTEGER", uint64: "UBIGINT",
  float32: "FLOAT", float64: "DOUBLE", boolean: "BOOLEAN", utf8: "VARCHAR", categorical: "VARCHAR", date: "DATE",
};

const NAIVE_TIMESTAMPS: Record<string, string> = { ms: "TIMESTAMP_MS", us: "TIMESTAMP", ns: "TIMESTAMP_NS" };

/** `int64` → `BIGINT`, `datetime[us, UTC]` → `TIMESTAMP WITH TIME ZONE`, `list[utf8]` → `VARCHAR[]`. */
export function duckdbColumnType(type: string): string {
  const simple = SIMPLE[type];
  if (simple) return simple;
  const datetime = /^datetime\[(ms|us|ns)(?:, (.+))?\]$/.exec(type);
  if (datetime) return datetime[2] ? "TIMESTAMP WITH TIME ZONE" : NAIVE_TIMESTAMPS[datetime[1]!]!;
  if (/^duration\[(ms|us|ns)\]$/.test(type)) return "INTERVAL";
  const decimal = /^decimal\[(\d+), (\d+)\]$/.exec(type);
  if (decimal) return `DECIMAL(${decimal[1]},${decimal[2]})`;
  const list = /^list\[(.+)\]$/.exec(type);
  if (list) return `${duckdbColumnType(list[1]!)}[]`;
  const struct = /^struct\{(.*)\}$/.exec(type);
  if (struct) return `STRUCT(${splitFields(struct[1]!).map(([name, inner]) => `${quoteIdentifier(name)} ${duckdbColumnType(inner)}`).join(", ")})`;
  throw new TypeError(`no DuckDB column type for logical type "${type}"`);
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function sqlLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `a: int64, b: struct{c: utf8}` → [["a", "int64"], ["b", "struct{c: utf8}"]], splitting at top-level commas. */
function splitFields(body: string): [string, string][] {
  const out: [string, string][] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    const ch = body[i];
    if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") depth--;
    else if ((ch === "," && depth === 0) || i === body.length) {
      const field = body.slice(start, i).trim();
      if (field) {
        const colon = field.indexOf(":");
        out.push([field.slice(0, colon).trim(), field.slice(colon + 1).trim()]);
      }
      start = i + 1;
    }
  }
  return out;
}
