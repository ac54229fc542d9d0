import { z } from "zod";
import { expecting } from "./errors.ts";
import type { ManifestFeatures } from "./versions.ts";

// Small per-resource schemas, checked one entry at a time: only the fields orch reads are declared. Unknown fields
// are accepted and dropped (z.object strips; only `config` keeps them, for `config.<key>:` selection), so new dbt
// fields never break parsing and the parsed entry stays small.

const strings = z.array(z.string(), expecting("an array of strings"));
const optionalString = z.string().nullish();
const meta = z.record(z.string(), z.unknown()).nullish();

const dependsOn = z.looseObject({ nodes: strings.optional() }).nullish();

const column = z.object({
  name: z.string(),
  description: optionalString,
  data_type: optionalString,
  constraints: z.array(z.looseObject({ type: z.string() })).nullish(),
  tags: strings.nullish(),
  meta,
});

const config = z.looseObject({
  enabled: z.boolean().nullish(),
  materialized: optionalString,
  tags: z.union([strings, z.string()]).nullish(),
  schema: optionalString,
  group: optionalString,
  severity: optionalString,
  contract: z.looseObject({ enforced: z.boolean().nullish() }).nullish(),
  meta,
});

const refListV4 = z.array(strings, expecting("an array of [package?, name] lists"));
const refListV9 = z.array(
  z.looseObject({ name: z.string(), package: optionalString, version: z.union([z.string(), z.number()]).nullish() }),
  expecting("an array of { name, package, version } objects"),
);

const baseNode = z.object({
  unique_id: z.string(),
  resource_type: z.string(),
  name: z.string(),
  package_name: z.string(),
  fqn: strings,
  original_file_path: z.string(),
  path: z.string(),
  database: optionalString,
  schema: optionalString,
  alias: optionalString,
  relation_name: optionalString,
  description: optionalString,
  tags: strings.nullish(),
  meta,
  config: config.nullish(),
  columns: z.record(z.string(), column).nullish(),
  depends_on: dependsOn,
  checksum: z.looseObject({ checksum: z.string() }).nullish(),
  group: optionalString,
  access: optionalString,
  version: z.union([z.string(), z.number()]).nullish(),
  latest_version: z.union([z.string(), z.number()]).nullish(),
  contract: z.looseObject({ enforced: z.boolean().nullish() }).nullish(),
  constraints: z.array(z.looseObject({ type: z.string() })).nullish(),
  attached_node: optionalString,
  column_name: optionalString,
  test_metadata: z.looseObject({ name: z.string(), kwargs: z.record(z.string(), z.unknown()).nullish() }).nullish(),
});

/** The node schema of one version: refs as lists (v4–v8) or objects (v9+), raw_sql (v4–v6) or raw_code (v7+). */
function nodeSchema(features: ManifestFeatures): typeof baseNode {
  return baseNode.extend({
    refs: (features.refsAreObjects ? refListV9 : refListV4).nullish(),
    [features.codeKey]: z.string().nullish(),
    [features.compiledKey]: z.string().nullish(),
  }) as unknown as typeof baseNode;
}

const sourceSchema = z.object({
  unique_id: z.string(),
  resource_type: z.literal("source"),
  name: z.string(),
  source_name: z.string(),
  package_name: z.string(),
  fqn: strings,
  original_file_path: z.string(),
  database: optionalString,
  schema: optionalString,
  identifier: optionalString,
  relation_name: optionalString,
  description: optionalString,
  source_description: optionalString,
  tags: strings.nullish(),
  meta,
  config: config.nullish(),
  columns: z.record(z.string(), column).nullish(),
  loader: optionalString,
});

const unitTestSchema = z.object({
  unique_id: z.string(),
  name: z.string(),
  model: z.string(),
  package_name: z.string(),
  fqn: strings,
  original_file_path: z.string(),
  description: optionalString,
  depends_on: dependsOn,
  config: config.nullish(),
  version: z.union([z.string(), z.number()]).nullish(),
});

const groupSchema = z.looseObject({
  name: z.string(),
  owner: z.looseObject({ email: optionalString, name: optionalString }).nullish(),
});

const metadataSchema = z.looseObject({
  dbt_schema_version: z.string(),
  dbt_version: optionalString,
  project_name: optionalString,
  adapter_type: optionalString,
  generated_at: optionalString,
});

export type RawNode = z.output<typeof baseNode>;
export type RawSource = z.output<typeof sourceSchema>;
export type RawUnitTest = z.output<typeof unitTestSchema>;
export type RawGroup = z.output<typeof groupSchema>;
export type RawColumn = z.output<typeof column>;

export interface ManifestSchemas {
  readonly node: typeof baseNode;
  readonly source: typeof sourceSchema;
  readonly unitTest: typeof unitTestSchema;
  readonly group: typeof groupSchema;
  readonly metadata: typeof metadataSchema;
}

const cache = new Map<number, ManifestSchemas>();

/** The schemas for one manifest version (built once per version). */
export function manifestSchemas(features: ManifestFeatures): ManifestSchemas {
  let schemas = cache.get(features.version);
  if (!schemas) {
    schemas = { node: nodeSchema(features), source: sourceSchema, unitTest: unitTestSchema, group: groupSchema, metadata: metadataSchema };
    cache.set(features.version, schemas);
  }
  return schemas;
}
