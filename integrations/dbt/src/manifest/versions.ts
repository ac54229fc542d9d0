/**
 * What changed between manifest schemas, as far as orch reads them (from schemas.getdbt.com v4–v12):
 * v7 renamed raw_sql/compiled_sql to raw_code/compiled_code, v9 turned `refs` from lists into objects and added
 * groups, access and model versions, v10 semantic models, v11 saved queries, v12 unit tests (and later `functions`).
 */
export interface ManifestFeatures {
  readonly version: number;
  readonly codeKey: "raw_sql" | "raw_code";
  readonly compiledKey: "compiled_sql" | "compiled_code";
  readonly refsAreObjects: boolean;
  readonly groups: boolean;
  readonly semanticModels: boolean;
  readonly savedQueries: boolean;
  readonly unitTests: boolean;
}

export const MIN_MANIFEST_VERSION = 4;
export const MAX_MANIFEST_VERSION = 12;

export function manifestFeatures(version: number): ManifestFeatures {
  return {
    version,
    codeKey: version >= 7 ? "raw_code" : "raw_sql",
    compiledKey: version >= 7 ? "compiled_code" : "compiled_sql",
    refsAreObjects: version >= 9,
    groups: version >= 9,
    semanticModels: version >= 10,
    savedQueries: version >= 11,
    unitTests: version >= 12,
  };
}

/** `https://schemas.getdbt.com/dbt/manifest/v12.json` → 12; anything else → undefined. */
export function parseSchemaVersion(url: unknown, kind: "manifest" | "run-results"): number | undefined {
  if (typeof url !== "string") return undefined;
  const match = new RegExp(`/${kind}/v(\\d+)\\.json$`).exec(url);
  return match ? Number(match[1]) : undefined;
}
