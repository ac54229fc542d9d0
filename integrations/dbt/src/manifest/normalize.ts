import type { DbtColumn, DbtNode, DbtSeverity, DbtTestInfo } from "./model.ts";
import type { RawColumn, RawNode, RawSource, RawUnitTest } from "./schemas.ts";

const toPosix = (path: string): string => path.replace(/\\/g, "/");
const str = (value: string | number | null | undefined): string | undefined => (value === null || value === undefined ? undefined : String(value));

function tagsOf(raw: { tags?: string[] | null | undefined; config?: { tags?: string | string[] | null | undefined } | null | undefined }): string[] {
  const own = raw.tags ?? [];
  const configured = raw.config?.tags;
  const fromConfig = typeof configured === "string" ? [configured] : (configured ?? []);
  return fromConfig.length === 0 ? own : [...new Set([...own, ...fromConfig])];
}

const NO_STRINGS: readonly string[] = Object.freeze([]);

function columnsOf(columns: Record<string, RawColumn> | null | undefined): DbtColumn[] {
  const out: DbtColumn[] = [];
  for (const key in columns ?? {}) {
    const c = (columns as Record<string, RawColumn>)[key] as RawColumn;
    out.push({
      name: c.name,
      description: c.description || undefined,
      dataType: c.data_type || undefined,
      constraints: c.constraints && c.constraints.length > 0 ? c.constraints.map((x) => x.type) : NO_STRINGS,
    });
  }
  return out;
}

function severityOf(value: string | null | undefined): DbtSeverity {
  return value?.toLowerCase() === "warn" ? "warn" : "error";
}

// Before v9 dbt had no attached_node; its rule was "the node the generic test's `model` argument refers to".
const REF_ARG = /\bref\(\s*['"]([^'"]+)['"](?:\s*,\s*['"]([^'"]+)['"])?/;
const SOURCE_ARG = /\bsource\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]/;

type ParentLookup = (id: string) => { readonly name: string; readonly sourceName?: string } | undefined;

/** The parent a pre-v9 generic test checks, from its `model` argument (`ref('x')`, `source('s', 't')`). */
export function attachmentFromModelArgument(model: string, parents: readonly string[], parentOf: ParentLookup): string | undefined {
  const source = SOURCE_ARG.exec(model);
  if (source) return parents.find((id) => parentOf(id)?.sourceName === source[1] && parentOf(id)?.name === source[2]);
  const ref = REF_ARG.exec(model);
  if (!ref) return undefined;
  const name = ref[2] ?? ref[1];
  return parents.find((id) => parentOf(id)?.name === name && parentOf(id)?.sourceName === undefined);
}

/** The generic test's `model` argument when dbt did not attach the test itself (manifests before v9). */
export function unattachedModelArgument(raw: RawNode): string | undefined {
  if (raw.resource_type !== "test" || raw.attached_node) return undefined;
  const model = raw.test_metadata?.kwargs?.["model"];
  return typeof model === "string" ? model : undefined;
}

function testInfo(raw: RawNode): DbtTestInfo {
  return {
    severity: severityOf(raw.config?.severity),
    ...(raw.attached_node ? { attachedNode: raw.attached_node } : {}),
    ...(raw.test_metadata?.name ? { testName: raw.test_metadata.name } : {}),
    ...(raw.column_name ? { columnName: raw.column_name } : {}),
  };
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

/** `{ ...a, ...b }` without allocating when either side is empty (most nodes have no meta). */
function mergeMeta(a: Record<string, unknown> | null | undefined, b: Record<string, unknown> | null | undefined): Readonly<Record<string, unknown>> {
  const hasA = a ? Object.keys(a).length > 0 : false;
  const hasB = b ? Object.keys(b).length > 0 : false;
  if (hasA && hasB) return { ...a, ...b };
  return (hasA ? a : hasB ? b : EMPTY) as Readonly<Record<string, unknown>>;
}

/**
 * The config without null values and empty objects or lists (dbt writes ~25 keys per node, most of them empty):
 * nothing selection or a translator could match on is lost, and 50,000 nodes keep tens of MB less.
 */
function compactConfig(config: Record<string, unknown> | null | undefined): Readonly<Record<string, unknown>> {
  if (!config) return EMPTY;
  const out: Record<string, unknown> = {};
  for (const key in config) {
    const value = config[key];
    if (value === null || value === undefined) continue;
    if (typeof value === "object" && (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0)) continue;
    out[key] = value;
  }
  return out;
}

/** One entry of `nodes` → DbtNode, dropping SQL and everything else orch does not read. Every node has one shape. */
export function normalizeNode(raw: RawNode, compiledKey: string): DbtNode {
  const config = raw.config;
  const group = raw.group ?? config?.group;
  const access = raw.access ?? config?.["access"];
  return {
    uniqueId: raw.unique_id,
    resourceType: raw.resource_type,
    name: raw.name,
    packageName: raw.package_name,
    fqn: raw.fqn,
    originalFilePath: toPosix(raw.original_file_path),
    database: raw.database || undefined,
    schema: raw.schema || undefined,
    alias: raw.alias || undefined,
    relationName: raw.relation_name || undefined,
    description: raw.description || undefined,
    tags: tagsOf(raw),
    meta: mergeMeta(config?.meta, raw.meta),
    config: compactConfig(config),
    materialized: config?.materialized || undefined,
    columns: columnsOf(raw.columns),
    dependsOn: raw.depends_on?.nodes ?? [],
    group: group || undefined,
    access: access ? String(access) : undefined,
    version: str(raw.version),
    latestVersion: str(raw.latest_version),
    contractEnforced: Boolean(raw.contract?.enforced ?? config?.contract?.enforced),
    constraints: raw.constraints ?? [],
    checksum: raw.checksum?.checksum || undefined,
    compiled: typeof (raw as Record<string, unknown>)[compiledKey] === "string",
    sourceName: undefined,
    test: raw.resource_type === "test" ? testInfo(raw) : undefined,
  };
}

export function normalizeSource(raw: RawSource): DbtNode {
  const config = (raw.config ?? {}) as Record<string, unknown>;
  return {
    uniqueId: raw.unique_id,
    resourceType: "source",
    name: raw.name,
    packageName: raw.package_name,
    fqn: raw.fqn,
    originalFilePath: toPosix(raw.original_file_path),
    ...(raw.database ? { database: raw.database } : {}),
    ...(raw.schema ? { schema: raw.schema } : {}),
    ...(raw.identifier ? { alias: raw.identifier } : {}),
    ...(raw.relation_name ? { relationName: raw.relation_name } : {}),
    ...((raw.description || raw.source_description) ? { description: (raw.description || raw.source_description) as string } : {}),
    tags: tagsOf(raw),
    meta: { ...((raw.config?.meta as object) ?? {}), ...(raw.meta ?? {}) },
    config,
    columns: columnsOf(raw.columns),
    dependsOn: [],
    contractEnforced: false,
    constraints: [],
    compiled: true,
    sourceName: raw.source_name,
  };
}

export function normalizeUnitTest(raw: RawUnitTest): DbtNode {
  const parents = raw.depends_on?.nodes ?? [];
  const attached = parents.find((id) => id.startsWith("model."));
  return {
    uniqueId: raw.unique_id,
    resourceType: "unit_test",
    name: raw.name,
    packageName: raw.package_name,
    fqn: raw.fqn,
    originalFilePath: toPosix(raw.original_file_path),
    ...(raw.description ? { description: raw.description } : {}),
    tags: tagsOf(raw),
    meta: { ...((raw.config?.meta as object) ?? {}) },
    config: (raw.config ?? {}) as Record<string, unknown>,
    columns: [],
    dependsOn: parents,
    contractEnforced: false,
    constraints: [],
    compiled: true,
    test: { severity: "error", ...(attached ? { attachedNode: attached } : {}) },
  };
}
