import { readFileSync } from "node:fs";
import { didYouMean, OrchError } from "@orch/core";
import type { z } from "zod";
import { artifactError, DBT_PKG, DbtErrorCode, expectationErrors } from "./errors.ts";
import { fastCheckNode, fastCheckSource, fastCheckUnitTest } from "./fast-check.ts";
import { JsonScanError } from "./json-scan.ts";
import { describeValue, formatJsonPath } from "./json-path.ts";
import { docFromBuffer, docFromObject, type ManifestDoc, type ManifestSection } from "./manifest-doc.ts";
import type { DbtGroup, DbtManifest, DbtNode } from "./model.ts";
import { attachmentFromModelArgument, normalizeNode, normalizeSource, normalizeUnitTest, unattachedModelArgument } from "./normalize.ts";
import { manifestSchemas, type RawNode, type RawSource, type RawUnitTest } from "./schemas.ts";
import { manifestFeatures, MAX_MANIFEST_VERSION, MIN_MANIFEST_VERSION, parseSchemaVersion } from "./versions.ts";

export interface ParseManifestOptions {
  /** How the manifest is named in messages; default: the path it was read from (`manifest.json` for a parsed object). */
  readonly artifact?: string;
}

/**
 * Reads and parses `target/manifest.json`. The bytes are scanned once and each entry of `nodes`, `sources`,
 * `unit_tests` and `groups` is decoded, checked and normalised on its own, so the full JSON tree never exists at
 * once and sections orch does not read (macros, docs, parent_map, ...) are skipped without being parsed.
 */
export function loadManifest(path: string, options: ParseManifestOptions = {}): DbtManifest {
  const artifact = options.artifact ?? path;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new OrchError(DbtErrorCode.INVALID_MANIFEST, `${artifact}: cannot read the dbt manifest: ${(cause as Error).message}`, { pkg: DBT_PKG, cause, details: { artifact } });
  }
  let doc: ManifestDoc;
  try {
    doc = docFromBuffer(bytes);
  } catch (error) {
    if (!(error instanceof JsonScanError)) throw error;
    return parseManifest(parseJsonText(bytes.toString("utf8"), artifact), { artifact });
  }
  try {
    const manifest = buildManifest(doc, artifact);
    // Hand the file's memory back now rather than at the next full GC: detaching frees the backing store.
    if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length) (bytes.buffer as ArrayBuffer & { transfer(length: number): ArrayBuffer }).transfer(0);
    return manifest;
  } catch (error) {
    // An entry that is not valid JSON: JSON.parse of the whole text gives the message users know (with a position).
    if (!(error instanceof SyntaxError)) throw error;
    return parseManifest(parseJsonText(bytes.toString("utf8"), artifact), { artifact });
  }
}

function parseJsonText(text: string, artifact: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new OrchError(DbtErrorCode.INVALID_MANIFEST, `${artifact}: not valid JSON (${(cause as Error).message})`, { pkg: DBT_PKG, cause });
  }
}

/** The fast check first; zod only for an entry that fails it, so the message names the JSON path and expectation. */
function check<S extends z.ZodType>(schema: S, fast: (value: unknown) => boolean, value: unknown, artifact: string, path: readonly PropertyKey[]): z.output<S> {
  if (fast(value)) return value as z.output<S>;
  const result = schema.safeParse(value, { error: expectationErrors });
  if (!result.success) throw artifactError(DbtErrorCode.INVALID_MANIFEST, artifact, path, result.error.issues);
  return result.data;
}

const isPlainObject = (v: unknown): boolean => typeof v === "object" && v !== null && !Array.isArray(v);

function section(doc: ManifestDoc, key: string, artifact: string, required: boolean): ManifestSection {
  const found = doc.section(key);
  if (!("notAnObject" in found)) return found;
  if (found.notAnObject === undefined && !required) return { keys: () => [], entries: () => [] };
  throw new OrchError(DbtErrorCode.INVALID_MANIFEST, `${artifact}: ${key}: expected an object keyed by unique_id, got ${describeValue(found.notAnObject)}`, { pkg: DBT_PKG, details: { artifact, path: key } });
}

/** Validates an already-parsed manifest object (any schema v4–v12) and normalises it. */
export function parseManifest(doc: unknown, options: ParseManifestOptions = {}): DbtManifest {
  const artifact = options.artifact ?? "manifest.json";
  if (!isPlainObject(doc)) {
    throw new OrchError(DbtErrorCode.INVALID_MANIFEST, `${artifact}: expected a JSON object at the top level, got ${describeValue(doc)}`, { pkg: DBT_PKG });
  }
  return buildManifest(docFromObject(doc as Record<string, unknown>), artifact);
}

function buildManifest(doc: ManifestDoc, artifact: string): DbtManifest {
  const rawMetadata = doc.value("metadata") as Record<string, unknown> | undefined;
  const version = parseSchemaVersion(isPlainObject(rawMetadata) ? rawMetadata?.["dbt_schema_version"] : undefined, "manifest");
  if (version === undefined || version < MIN_MANIFEST_VERSION || version > MAX_MANIFEST_VERSION) {
    const got = isPlainObject(rawMetadata) ? rawMetadata?.["dbt_schema_version"] : undefined;
    throw new OrchError(
      DbtErrorCode.UNSUPPORTED_MANIFEST_VERSION,
      `${artifact}: metadata.dbt_schema_version: expected a manifest schema v${MIN_MANIFEST_VERSION} to v${MAX_MANIFEST_VERSION} (https://schemas.getdbt.com/dbt/manifest/vN.json), got ${got === undefined ? "nothing" : JSON.stringify(got)}`,
      { pkg: DBT_PKG, details: { artifact, path: "metadata.dbt_schema_version" } },
    );
  }
  const features = manifestFeatures(version);
  const schemas = manifestSchemas(features);
  const metadata = schemas.metadata.safeParse(rawMetadata, { error: expectationErrors });
  if (!metadata.success) throw artifactError(DbtErrorCode.INVALID_MANIFEST, artifact, ["metadata"], metadata.error.issues);
  const rawNodes = section(doc, "nodes", artifact, true);
  const rawSources = section(doc, "sources", artifact, true);

  const nodes = new Map<string, DbtNode>();
  const pendingAttachments: [string, string][] = [];
  const fastNode = (value: unknown): boolean => fastCheckNode(value, features);
  for (const [id, value] of rawNodes.entries()) {
    const raw = check(schemas.node, fastNode, value, artifact, ["nodes", id]) as RawNode;
    nodes.set(id, normalizeNode(raw, features.compiledKey));
    const model = unattachedModelArgument(raw);
    if (model !== undefined) pendingAttachments.push([id, model]);
  }
  for (const [id, value] of rawSources.entries()) {
    nodes.set(id, normalizeSource(check(schemas.source, fastCheckSource, value, artifact, ["sources", id]) as RawSource));
  }
  attachByModelArgument(nodes, pendingAttachments);
  const unitTests: string[] = [];
  if (features.unitTests) {
    for (const [id, value] of section(doc, "unit_tests", artifact, false).entries()) {
      nodes.set(id, normalizeUnitTest(check(schemas.unitTest, fastCheckUnitTest, value, artifact, ["unit_tests", id]) as RawUnitTest));
      unitTests.push(id);
    }
  }
  const groups = new Map<string, DbtGroup>();
  if (features.groups) {
    for (const [id, value] of section(doc, "groups", artifact, false).entries()) {
      const raw = check(schemas.group, () => false, value, artifact, ["groups", id]);
      groups.set(raw.name, {
        name: raw.name,
        ...(raw.owner?.email ? { ownerEmail: raw.owner.email } : {}),
        ...(raw.owner?.name ? { ownerName: raw.owner.name } : {}),
      });
    }
  }
  const semanticModels = features.semanticModels ? section(doc, "semantic_models", artifact, false).keys() : [];
  const savedQueries = features.savedQueries ? section(doc, "saved_queries", artifact, false).keys() : [];
  const functions = section(doc, "functions", artifact, false).keys();
  // Besides nodes, a dependency may name a disabled node (dbt keeps tests that still point at one), a metric
  // (dbt_metrics-era models), a semantic model, a saved query or a function.
  const otherIds = new Set([
    ...section(doc, "disabled", artifact, false).keys(),
    ...section(doc, "metrics", artifact, false).keys(),
    ...semanticModels,
    ...savedQueries,
    ...functions,
  ]);
  checkDependencies(nodes, new Set(unitTests), otherIds, artifact);
  const meta = metadata.data;
  return {
    schemaVersion: version,
    ...(meta.dbt_version ? { dbtVersion: meta.dbt_version } : {}),
    ...(meta.project_name ? { projectName: meta.project_name } : {}),
    ...(meta.adapter_type ? { adapterType: meta.adapter_type } : {}),
    nodes,
    groups,
    semanticModels,
    savedQueries,
    functions,
  };
}

/** Pre-v9 generic tests name their target only in the `model` argument: resolve it against the parsed parents. */
function attachByModelArgument(nodes: Map<string, DbtNode>, pending: readonly [string, string][]): void {
  const parentOf = (id: string): DbtNode | undefined => nodes.get(id);
  for (const [id, model] of pending) {
    const test = nodes.get(id);
    if (!test?.test) continue;
    const attached = attachmentFromModelArgument(model, test.dependsOn, parentOf);
    if (attached !== undefined) nodes.set(id, { ...test, test: { ...test.test, attachedNode: attached } });
  }
}

/**
 * dbt refuses a project whose nodes depend on something that does not exist, or on themselves; a manifest that
 * says so anyway (edited, truncated, generated) is refused here with the JSON path, not mapped with edges missing.
 */
function checkDependencies(nodes: ReadonlyMap<string, DbtNode>, unitTests: ReadonlySet<string>, otherIds: ReadonlySet<string>, artifact: string): void {
  for (const node of nodes.values()) {
    node.dependsOn.forEach((parent, i) => {
      if (parent !== node.uniqueId && (nodes.has(parent) || otherIds.has(parent))) return;
      const path = formatJsonPath([unitTests.has(node.uniqueId) ? "unit_tests" : "nodes", node.uniqueId, "depends_on", "nodes", i]);
      const problem =
        parent === node.uniqueId
          ? `a node cannot depend on itself, got its own unique_id ${JSON.stringify(parent)}`
          : `expected the unique_id of a node, source or unit test in this manifest, got ${JSON.stringify(parent)}, which is not defined.${didYouMean(parent, nodes.keys())}`;
      throw new OrchError(DbtErrorCode.INVALID_MANIFEST, `${artifact}: ${path}: ${problem}`, { pkg: DBT_PKG, details: { artifact, path, dependency: parent } });
    });
  }
}
