// The fake dbt's optional SQL execution (a stand-in for dbt-duckdb, since dbt cannot be installed here). With
// FAKE_DBT_DUCKDB=<path of a .duckdb file>, each selected seed is loaded from its CSV (read_csv with type detection)
// and each model's compiled_code from the manifest runs as CREATE OR REPLACE TABLE/VIEW <schema>.<alias> AS ...,
// in the order the fake dbt runs nodes. Manifests compiled for another warehouse quote relations with backticks
// (`db`.`schema`.`table`): they are rewritten to DuckDB's "schema"."table" in the file's own catalog (see toDuckDB
// for the few BigQuery idioms translated). Tests are
// not executed (FAKE_DBT_FAIL still decides them). This file is only the execution part: argument parsing and
// logging stay in ./dbt.
import { join } from "node:path";

/** Opens the DuckDB file once for the whole invocation, as dbt-duckdb does. */
export async function openSqlExecutor(path, projectDir) {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  const quote = (name) => `"${String(name).replace(/"/g, '""')}"`;
  const relationOf = (node) => `${quote(node.schema)}.${quote(node.alias ?? node.name)}`;
  const ensureSchema = (node) => connection.run(`CREATE SCHEMA IF NOT EXISTS ${quote(node.schema)}`);
  const count = async (node) => Number((await connection.runAndReadAll(`SELECT count(*) AS n FROM ${relationOf(node)}`)).getRowObjectsJS()[0].n);

  return {
    /** Builds one seed or model; resolves to the rows it holds, or rejects with DuckDB's error. */
    async run(node) {
      await ensureSchema(node);
      if (node.resource_type === "seed") {
        const csv = join(projectDir, node.original_file_path);
        await connection.run(`CREATE OR REPLACE TABLE ${relationOf(node)} AS SELECT * FROM read_csv(${literal(csv)}, header = true, auto_detect = true)`);
        return count(node);
      }
      if (typeof node.compiled_code !== "string" || node.compiled_code.trim() === "") {
        throw new Error(`Compilation Error in ${node.resource_type} ${node.name}: the manifest has no compiled_code (run dbt compile)`);
      }
      const kind = node.config?.materialized === "view" ? "VIEW" : "TABLE";
      await connection.run(`CREATE OR REPLACE ${kind} ${relationOf(node)} AS (${toDuckDB(node.compiled_code)})`);
      return count(node);
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

function literal(value) {
  return `'${String(value).replace(/'/g, "''")}'`;
}

/**
 * BigQuery-compiled SQL as DuckDB reads it: `db`.`schema`.`table` → "schema"."table", other backticked names →
 * double-quoted, `UNNEST(...) AS x` (BigQuery names the value x) → `UNNEST(...) AS _unnest(x)`, a trailing `;` dropped.
 */
function toDuckDB(sql) {
  return sql
    .replace(/\bUNNEST\s*\(([^()]*)\)\s+AS\s+([A-Za-z_][A-Za-z0-9_]*)/gi, (_, array, name) => `UNNEST(${array}) AS _unnest(${name})`)
    .replace(/`([^`]+)`\.`([^`]+)`\.`([^`]+)`/g, (_, _db, schema, table) => `"${schema}"."${table}"`)
    .replace(/`([^`]+)`/g, (_, name) => `"${name}"`)
    .replace(/;\s*$/, "");
}
