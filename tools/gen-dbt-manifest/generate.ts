// Generates a synthetic dbt manifest (schema v12) of N nodes shaped like the real fixtures in
// integrations/dbt/test/fixtures: sources, staging views, table/incremental marts with columns, generic tests per column and
// a realistic fan-in (each model reads 1–4 earlier nodes). Usage: node generate.ts <nodes> <out.json> [seed]
import { createWriteStream } from "node:fs";
import { once } from "node:events";

const PROJECT = "synthetic";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function model(i: number, deps: string[], materialized: string, columns: number): Record<string, unknown> {
  const name = `model_${i}`;
  const cols: Record<string, unknown> = {};
  for (let c = 0; c < columns; c++) {
    const col = c === 0 ? "id" : `col_${c}`;
    cols[col] = { name: col, description: `Column ${col} of ${name}`, meta: {}, data_type: c === 0 ? "bigint" : "varchar", constraints: [], quote: null, tags: [] };
  }
  const path = `${materialized === "view" ? "staging" : "marts"}/${name}.sql`;
  return {
    database: "analytics", schema: materialized === "view" ? "staging" : "marts", name, resource_type: "model", package_name: PROJECT,
    path, original_file_path: `models/${path}`, unique_id: `model.${PROJECT}.${name}`, fqn: [PROJECT, materialized === "view" ? "staging" : "marts", name],
    alias: name, checksum: { name: "sha256", checksum: (i * 2654435761).toString(16).padStart(64, "0") },
    config: { enabled: true, alias: null, schema: null, database: null, tags: i % 7 === 0 ? ["nightly"] : [], meta: {}, group: null, materialized, persist_docs: {}, "post-hook": [], "pre-hook": [], quoting: {}, column_types: {}, full_refresh: null, unique_key: null, on_schema_change: "ignore", grants: {}, packages: [], docs: { show: true, node_color: null }, contract: { enforced: false, alias_types: true }, access: "protected" },
    tags: i % 7 === 0 ? ["nightly"] : [], description: `Synthetic model ${i}`, columns: cols, meta: {}, group: null, docs: { show: true, node_color: null },
    patch_path: `${PROJECT}://models/schema.yml`, build_path: null, unrendered_config: { materialized }, created_at: 1700000000 + i,
    relation_name: `"analytics"."${materialized === "view" ? "staging" : "marts"}"."${name}"`,
    raw_code: `select ${Object.keys(cols).join(", ")}\nfrom {{ ref('${deps[0] ?? "x"}') }}\n-- ${"padding ".repeat(20)}`,
    language: "sql", refs: deps.map((d) => ({ name: d.split(".").pop(), package: null, version: null })), sources: [], metrics: [],
    depends_on: { macros: [], nodes: deps }, compiled_path: `target/compiled/${PROJECT}/models/${path}`, compiled: true,
    compiled_code: `select ${Object.keys(cols).join(", ")} from "analytics"."x"."y"`, extra_ctes_injected: true, extra_ctes: [],
    contract: { enforced: false, alias_types: true, checksum: null }, access: "protected", constraints: [], version: null, latest_version: null, deprecation_date: null,
  };
}

function test(kind: "unique" | "not_null", target: string, column: string, severity: string): Record<string, unknown> {
  const targetName = target.split(".").pop() as string;
  const name = `${kind}_${targetName}_${column}`;
  return {
    database: "analytics", schema: "dbt_test__audit", name, resource_type: "test", package_name: PROJECT, path: `${name}.sql`, original_file_path: "models/schema.yml",
    unique_id: `test.${PROJECT}.${name}.${(name.length * 7919).toString(16)}`, fqn: [PROJECT, name], alias: name, checksum: { name: "none", checksum: "" },
    config: { enabled: true, alias: null, schema: "dbt_test__audit", database: null, tags: [], meta: {}, group: null, materialized: "test", severity, store_failures: null, where: null, limit: null, fail_calc: "count(*)", warn_if: "!= 0", error_if: "!= 0" },
    tags: [], description: "", columns: {}, meta: {}, group: null, docs: { show: true, node_color: null }, patch_path: null, build_path: null, unrendered_config: {}, created_at: 1700000000,
    relation_name: null, raw_code: `{{ test_${kind}(**_dbt_generic_test_kwargs) }}`, language: "sql", refs: [{ name: targetName, package: null, version: null }], sources: [], metrics: [],
    depends_on: { macros: [`macro.dbt.test_${kind}`], nodes: [target] }, compiled_path: null, contract: { enforced: false, alias_types: true, checksum: null },
    column_name: column, file_key_name: `models.${targetName}`, attached_node: target, test_metadata: { name: kind, kwargs: { column_name: column, model: `{{ get_where_subquery(ref('${targetName}')) }}` }, namespace: null },
  };
}

function source(i: number): Record<string, unknown> {
  const name = `raw_${i}`;
  return {
    database: "raw", schema: "landing", name, resource_type: "source", package_name: PROJECT, path: "models/sources.yml", original_file_path: "models/sources.yml",
    unique_id: `source.${PROJECT}.landing.${name}`, fqn: [PROJECT, "landing", name], source_name: "landing", source_description: "", loader: "", identifier: name,
    quoting: {}, loaded_at_field: null, freshness: { warn_after: { count: null, period: null }, error_after: { count: null, period: null }, filter: null }, external: null,
    description: `Raw table ${i}`, columns: {}, meta: {}, source_meta: {}, tags: [], config: { enabled: true }, patch_path: null, unrendered_config: {},
    relation_name: `"raw"."landing"."${name}"`, created_at: 1700000000,
  };
}

export interface GenerateManifestOptions {
  /** Generic tests written after each model; default: as many as fill `total` (about 1.7). */
  readonly testsPerModel?: number;
}

/** Writes a manifest of about `total` nodes+sources: ~5% sources, ~35% models, the rest generic tests. */
export async function generateManifest(total: number, out: string, seed = 42, options: GenerateManifestOptions = {}): Promise<void> {
  const random = rng(seed);
  const sourceCount = Math.max(1, Math.round(total * 0.05));
  const modelCount = Math.max(1, Math.round(total * 0.35));
  const stream = createWriteStream(out);
  const write = async (text: string): Promise<void> => {
    if (!stream.write(text)) await once(stream, "drain");
  };
  await write(`{"metadata":${JSON.stringify({ dbt_schema_version: "https://schemas.getdbt.com/dbt/manifest/v12.json", dbt_version: "1.8.9", generated_at: new Date(0).toISOString(), project_name: PROJECT, adapter_type: "postgres", env: {} })},"nodes":{`);
  const upstream: string[] = [];
  const sources: string[] = [];
  for (let i = 0; i < sourceCount; i++) sources.push(`source.${PROJECT}.landing.raw_${i}`);
  let written = 0;
  let first = true;
  const emit = async (node: Record<string, unknown>): Promise<void> => {
    await write(`${first ? "" : ","}${JSON.stringify(node.unique_id)}:${JSON.stringify(node)}`);
    first = false;
    written++;
  };
  for (let i = 0; i < modelCount && written < total - sourceCount; i++) {
    const staging = i < sourceCount;
    const deps = staging ? [sources[i] as string] : Array.from({ length: 1 + Math.floor(random() * 4) }, () => upstream[Math.floor(random() * upstream.length)] as string);
    const node = model(i, [...new Set(deps)], staging ? "view" : random() < 0.2 ? "incremental" : "table", 4 + Math.floor(random() * 12));
    await emit(node);
    upstream.push(node.unique_id as string);
    const testsWanted = options.testsPerModel ?? Math.round((total - sourceCount - modelCount) / modelCount);
    for (let t = 0; t < testsWanted && written < total - sourceCount; t++) {
      const columns = Object.keys(node.columns as object);
      await emit(test(t % 2 === 0 ? "not_null" : "unique", node.unique_id as string, columns[t % columns.length] as string, t % 5 === 4 ? "warn" : "ERROR"));
    }
  }
  await write(`},"sources":{`);
  for (let i = 0; i < sourceCount; i++) await write(`${i === 0 ? "" : ","}${JSON.stringify(sources[i])}:${JSON.stringify(source(i))}`);
  await write(`},"macros":{},"docs":{},"exposures":{},"metrics":{},"groups":{},"selectors":{},"disabled":{},"parent_map":{},"child_map":{},"group_map":{},"saved_queries":{},"semantic_models":{},"unit_tests":{}}`);
  stream.end();
  await once(stream, "finish");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [n, out, seed] = process.argv.slice(2);
  if (!n || !out) {
    console.error("usage: node tools/gen-dbt-manifest/generate.ts <nodes> <out.json> [seed]");
    process.exit(2);
  }
  await generateManifest(Number(n), out, seed ? Number(seed) : 42);
  console.log(`wrote ${out}`);
}
