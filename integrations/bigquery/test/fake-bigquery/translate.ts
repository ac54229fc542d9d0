// GoogleSQL → DuckDB SQL for the statements the orch client and tests send: `quoted` identifiers become "quoted",
// '…' and "…" strings with backslash escapes become DuckDB strings, BigQuery type names become DuckDB's, and a
// script is split into its statements.

const TYPES: Record<string, string> = {
  INT64: "BIGINT", INTEGER: "BIGINT", FLOAT64: "DOUBLE", FLOAT: "DOUBLE", STRING: "VARCHAR", BOOL: "BOOLEAN", BOOLEAN: "BOOLEAN",
  BYTES: "BLOB", NUMERIC: "DECIMAL(38,9)", BIGNUMERIC: "DECIMAL(38,18)", TIMESTAMP: "TIMESTAMPTZ", DATETIME: "TIMESTAMP", JSON: "VARCHAR",
};

/** DuckDB statements for a GoogleSQL script. */
export function toDuckDBStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = "";
  let i = 0;
  const word = (text: string) => text.replace(/\b[A-Za-z_][A-Za-z0-9_]*\b/g, (w) => TYPES[w.toUpperCase()] ?? w);
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "`") {
      const end = sql.indexOf("`", i + 1);
      const name = sql.slice(i + 1, end < 0 ? sql.length : end);
      // `project.dataset.table` in one pair of backticks is three names.
      current += name.split(".").map((part) => `"${part.replace(/"/g, '""')}"`).join(".");
      i = end < 0 ? sql.length : end + 1;
    } else if (ch === "'" || ch === '"') {
      let value = "";
      let j = i + 1;
      for (; j < sql.length && sql[j] !== ch; j++) {
        if (sql[j] === "\\" && j + 1 < sql.length) {
          const next = sql[++j]!;
          value += next === "n" ? "\n" : next === "t" ? "\t" : next;
        } else value += sql[j];
      }
      current += `'${value.replace(/'/g, "''")}'`;
      i = j + 1;
    } else if (ch === ";") {
      if (current.trim()) statements.push(current.trim());
      current = "";
      i++;
    } else {
      const next = sql.slice(i).search(/[`'";]/);
      const chunk = next < 0 ? sql.slice(i) : sql.slice(i, i + next);
      current += word(chunk);
      i += chunk.length;
    }
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}

/** DuckDB's type names as BigQuery's tables.get reports them (legacy names, as the REST API does). */
export function bigqueryFieldType(duckdbType: string): string {
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UBIGINT|UINTEGER)$/.test(duckdbType)) return "INTEGER";
  if (/^(DOUBLE|FLOAT|REAL)$/.test(duckdbType)) return "FLOAT";
  if (duckdbType.startsWith("DECIMAL")) return "NUMERIC";
  if (duckdbType === "BOOLEAN") return "BOOLEAN";
  if (duckdbType === "DATE") return "DATE";
  if (duckdbType === "TIMESTAMP WITH TIME ZONE") return "TIMESTAMP";
  if (duckdbType.startsWith("TIMESTAMP")) return "DATETIME";
  if (duckdbType === "BLOB") return "BYTES";
  return "STRING";
}

/** A BigQuery schema field type (legacy or standard name) as a DuckDB column type. */
export function duckdbColumnFor(bigqueryType: string): string {
  return TYPES[bigqueryType.toUpperCase()] ?? "VARCHAR";
}
