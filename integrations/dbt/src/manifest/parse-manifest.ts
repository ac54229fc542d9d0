import { readFileSync } from "node:fs";
import { OrchError } from "@orch/core";
import type { z } from "zod";
import { artifactError, DBT_PKG, DbtErrorCode, expectationErrors } from "./errors.ts";
import { describeValue } from "./json-path.ts";
import type { DbtGroup, DbtManifest, DbtNode } from "./model.ts";
import { normalizeNode, normalizeSource, normalizeUnitTest } from "./normalize.ts";
import { manifestSchemas, type RawNode, type RawSource, type RawUnitTest } from "./schemas.ts";
import { manifestFeatures, MAX_MANIFEST_VERSION, MIN_MANIFEST_VERSION, parseSchemaVersion } from "./versions.ts";

export interface ParseManifestOptions {
  /** How the manifest is named in messages; default `manifest.json`. */
  readonly artifact?: string;
}

type Doc = Record<string, unknown>;

/** Reads and parses `target/manifest.json`: one JSON.parse, then entry-by-entry validation into the compact model. */
export function loadManifest(path: string, options: ParseManifestOptions = {}): DbtManifest {
  const artifact = options.artifact ?? "manifest.json";
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new OrchError(DbtErrorCode.INVALID_MANIFEST, `${artifact}: cannot read ${path}: ${(cause as Error).message}`, { pkg: DBT_PKG, cause });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new OrchError(DbtErrorCode.INVALID_MANIFEST, `${artifact}: not valid JSON (${(cause as Error).message})`, { pkg: DBT_PKG, cause });
  }
  text = "";
  return parseManifest(doc, { artifact });
}

function check<S extends z.ZodType>(schema: S, value: unknown, artifact: string, path: readonly PropertyKey[]): z.output<S> {
  const result = schema.safeParse(value, { error: expectationErrors });
  if (!result.success) throw artifactError(DbtErrorCode.INVALID_MANIFEST, artifact, path, result.error.issues);
  return result.data;
}

function section(doc: Doc, key: string, artifact: string, required: boolean): Doc {
  const value = doc[key];
  if (value === undefined && !required) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new OrchError(DbtErrorCode.INVALID_MANIFEST, `${artifact}: ${key}: expected an object keyed by unique_id, got ${describeValue(value)}`, { pkg: DBT_PKG, details: { artifact, path: key } });
  }
  return value as Doc;
}

/** Validates an already-parsed manifest object (any schema v4–v12) and normalises it. */
export function parseManifest(doc: unknown, options: ParseManifestOptions = {}): DbtManifest {
  const artifact = options.artifact ?? "manifest.json";
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new OrchError(DbtErrorCode.INVALID_MANIFEST, `${artifact}: expected a JSON object at the top level, got ${describeValue(doc)}`, { pkg: DBT_PKG });
  }
  const root = doc as Doc;
  const rawMetadata = root["metadata"] as Doc | undefined;
  const version = parseSchemaVersion(rawMetadata?.["dbt_schema_version"], "manifest");
  if (version === undefined || version < MIN_MANIFEST_VERSION || version > MAX_MANIFEST_VERSION) {
    const got = rawMetadata?.["dbt_schema_version"];
    throw new OrchError(
      DbtErrorCode.UNSUPPORTED_MANIFEST_VERSION,
      `${artifact}: metadata.dbt_schema_version: expected a manifest schema v${MIN_MANIFEST_VERSION} to v${MAX_MANIFEST_VERSION} (https://schemas.getdbt.com/dbt/manifest/vN.json), got ${got === undefined ? "nothing" : JSON.stringify(got)}`,
      { pkg: DBT_PKG, details: { artifact, path: "metadata.dbt_schema_version" } },
    );
  }
  const features = manifestFeatures(version);
  const schemas = manifestSchemas(features);
  const metadata = check(schemas.metadata, rawMetadata, artifact, ["metadata"]);

  const rawNodes = section(root, "nodes", artifact, true);
  const rawSources = section(root, "sources", artifact, true);
  const parentName = (id: string): { name: string; sourceName?: string } | undefined => {
    const entry = (rawNodes[id] ?? rawSources[id]) as Doc | undefined;
    if (!entry || typeof entry["name"] !== "string") return undefined;
    return typeof entry["source_name"] === "string" ? { name: entry["name"], sourceName: entry["source_name"] } : { name: entry["name"] };
  };

  const nodes = new Map<string, DbtNode>();
  for (const id of Object.keys(rawNodes)) {
    const raw = check(schemas.node, rawNodes[id], artifact, ["nodes", id]) as RawNode;
    nodes.set(id, normalizeNode(raw, features.compiledKey, parentName));
  }
  for (const id of Object.keys(rawSources)) {
    const raw = check(schemas.source, rawSources[id], artifact, ["sources", id]) as RawSource;
    nodes.set(id, normalizeSource(raw));
  }
  if (features.unitTests) {
    const rawUnitTests = section(root, "unit_tests", artifact, false);
    for (const id of Object.keys(rawUnitTests)) {
      const raw = check(schemas.unitTest, rawUnitTests[id], artifact, ["unit_tests", id]) as RawUnitTest;
      nodes.set(id, normalizeUnitTest(raw));
    }
  }
  const groups = new Map<string, DbtGroup>();
  if (features.groups) {
    const rawGroups = section(root, "groups", artifact, false);
    for (const id of Object.keys(rawGroups)) {
      const raw = check(schemas.group, rawGroups[id], artifact, ["groups", id]);
      groups.set(raw.name, {
        name: raw.name,
        ...(raw.owner?.email ? { ownerEmail: raw.owner.email } : {}),
        ...(raw.owner?.name ? { ownerName: raw.owner.name } : {}),
      });
    }
  }
  return {
    schemaVersion: version,
    ...(metadata.dbt_version ? { dbtVersion: metadata.dbt_version } : {}),
    ...(metadata.project_name ? { projectName: metadata.project_name } : {}),
    ...(metadata.adapter_type ? { adapterType: metadata.adapter_type } : {}),
    nodes,
    groups,
    semanticModels: features.semanticModels ? Object.keys(section(root, "semantic_models", artifact, false)) : [],
    savedQueries: features.savedQueries ? Object.keys(section(root, "saved_queries", artifact, false)) : [],
    functions: Object.keys(section(root, "functions", artifact, false)),
  };
}
