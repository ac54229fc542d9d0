// Snowflake SQL → DuckDB SQL, for the statements the orch client and tests send. Rewrites type names and the
// information schema outside quoted strings and identifiers; everything else passes through unchanged.

const TYPE_REWRITES: [RegExp, string][] = [
  [/\bNUMBER\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)/gi, "DECIMAL($1,$2)"],
  [/\bNUMBER\b/gi, "DECIMAL(38,0)"],
  [/\bTIMESTAMP_TZ\b/gi, "TIMESTAMPTZ"],
  [/\bTIMESTAMP_LTZ\b/gi, "TIMESTAMPTZ"],
  [/\bTIMESTAMP_NTZ\b/gi, "TIMESTAMP"],
  // Snowflake FLOAT is 64-bit; DuckDB FLOAT is 32-bit.
  [/\bFLOAT\b/gi, "DOUBLE"],
  [/\bVARIANT\b/gi, "VARCHAR"],
  [/\binformation_schema\s*\.\s*columns\b/gi, "main.__snowflake_columns"],
];

/** Applies `rewrite` to the parts of `sql` outside '...' strings and "..." identifiers. */
function outsideQuotes(sql: string, rewrite: (part: string) => string): string {
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const quote = sql.slice(i).search(/['"]/);
    if (quote < 0) {
      out += rewrite(sql.slice(i));
      break;
    }
    out += rewrite(sql.slice(i, i + quote));
    const q = sql[i + quote]!;
    let end = i + quote + 1;
    for (;;) {
      const next = sql.indexOf(q, end);
      if (next < 0) {
        end = sql.length;
        break;
      }
      if (sql[next + 1] === q) end = next + 2;
      else {
        end = next + 1;
        break;
      }
    }
    out += sql.slice(i + quote, end);
    i = end;
  }
  return out;
}

export function toDuckDB(sql: string): string {
  return outsideQuotes(sql, (part) => TYPE_REWRITES.reduce((s, [pattern, replacement]) => s.replace(pattern, replacement), part));
}

/** Snowflake's information_schema.columns over DuckDB's: Snowflake type names, NUMBER with precision and scale. */
export const COLUMNS_VIEW = `CREATE OR REPLACE VIEW main.__snowflake_columns AS
SELECT table_catalog, table_schema, table_name, column_name, ordinal_position,
  CASE
    WHEN data_type LIKE 'DECIMAL%' OR data_type IN ('TINYINT','SMALLINT','INTEGER','BIGINT','HUGEINT') THEN 'NUMBER'
    WHEN data_type IN ('DOUBLE','FLOAT','REAL') THEN 'FLOAT'
    WHEN data_type = 'VARCHAR' THEN 'TEXT'
    WHEN data_type = 'TIMESTAMP WITH TIME ZONE' THEN 'TIMESTAMP_TZ'
    WHEN data_type = 'TIMESTAMP' THEN 'TIMESTAMP_NTZ'
    ELSE data_type END AS data_type,
  CASE WHEN data_type LIKE 'DECIMAL%' THEN numeric_precision WHEN data_type IN ('TINYINT','SMALLINT','INTEGER','BIGINT','HUGEINT') THEN 38 END AS numeric_precision,
  CASE WHEN data_type LIKE 'DECIMAL%' THEN numeric_scale WHEN data_type IN ('TINYINT','SMALLINT','INTEGER','BIGINT','HUGEINT') THEN 0 END AS numeric_scale
FROM information_schema.columns WHERE table_name <> '__snowflake_columns'`;

/** `INSERT INTO t (a, b) VALUES (?, ?)` → the part before VALUES, for array binds appended as one table. */
export function arrayInsertTarget(sql: string): string | undefined {
  const match = /^([\s\S]*?)\bVALUES\s*\(\s*\?(?:\s*,\s*\?)*\s*\)\s*;?\s*$/i.exec(sql);
  return match && /^\s*INSERT\b/i.test(match[1]!) ? match[1] : undefined;
}
