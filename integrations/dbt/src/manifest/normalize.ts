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

function columnsOf(columns: Record<string, RawColumn> | null | undefined): DbtColumn[] {
  if (!columns) return [];
  return Object.values(columns).map((c) => ({
    name: c.name,
    ...(c.description ? { description: c.description } : {}),
    ...(c.data_type ? { dataType: c.data_type } : {}),
    constraints: (c.constraints ?? []).map((x) => x.type),
  }));
}

function severityOf(value: string | null | undefined): DbtSeverity {
  return value?.toLowerCase() === "warn" ? "warn" : "error";
}

// Before v9 dbt had no attached_node; its rule was "the node the generic test's `model` argument refers to".
const REF_ARG = /\bref\(\s*['"]([^'"]+)['"](?:\s*,\s*['"]([^'"]+)['"])?/;
const SOURCE_ARG = /\bsource\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]/;

function attachmentFromKwargs(raw: RawNode, parentName: (id: string) => { name: string; sourceName?: string } | undefined): string | undefined {
  const model = raw.test_metadata?.kwargs?.["model"];
  if (typeof model !== "string") return undefined;
  const parents = raw.depends_on?.nodes ?? [];
  const source = SOURCE_ARG.exec(model);
  if (source) return parents.find((id) => parentName(id)?.sourceName === source[1] && parentName(id)?.name === source[2]);
  const ref = REF_ARG.exec(model);
  if (!ref) return undefined;
  const name = ref[2] ?? ref[1];
  return parents.find((id) => parentName(id)?.name === name && parentName(id)?.sourceName === undefined);
}

function testInfo(raw: RawNode, parentName: (id: string) => { name: string; sourceName?: string } | undefined): DbtTestInfo {
  const attached = raw.attached_node ?? attachmentFromKwargs(raw, parentName);
  return {
    severity: severityOf(raw.config?.severity),
    ...(attached ? { attachedNode: attached } : {}),
    ...(raw.test_metadata?.name ? { testName: raw.test_metadata.name } : {}),
    ...(raw.column_name ? { columnName: raw.column_name } : {}),
  };
}

/** One entry of `nodes` → DbtNode, dropping SQL and everything else orch does not read. */
export function normalizeNode(raw: RawNode, compiledKey: string, parentName: (id: string) => { name: string; sourceName?: string } | undefined): DbtNode {
  const config = (raw.config ?? {}) as Record<string, unknown> & NonNullable<RawNode["config"]>;
  const version = str(raw.version);
  const latest = str(raw.latest_version);
  return {
    uniqueId: raw.unique_id,
    resourceType: raw.resource_type,
    name: raw.name,
    packageName: raw.package_name,
    fqn: raw.fqn,
    originalFilePath: toPosix(raw.original_file_path),
    ...(raw.database ? { database: raw.database } : {}),
    ...(raw.schema ? { schema: raw.schema } : {}),
    ...(raw.alias ? { alias: raw.alias } : {}),
    ...(raw.relation_name ? { relationName: raw.relation_name } : {}),
    ...(raw.description ? { description: raw.description } : {}),
    tags: tagsOf(raw),
    meta: { ...(config.meta ?? {}), ...(raw.meta ?? {}) },
    config,
    ...(config.materialized ? { materialized: config.materialized } : {}),
    columns: columnsOf(raw.columns),
    dependsOn: raw.depends_on?.nodes ?? [],
    ...((raw.group ?? config.group) ? { group: (raw.group ?? config.group) as string } : {}),
    ...((raw.access ?? config["access"]) ? { access: String(raw.access ?? config["access"]) } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(latest !== undefined ? { latestVersion: latest } : {}),
    contractEnforced: Boolean(raw.contract?.enforced ?? config.contract?.enforced),
    constraints: raw.constraints ?? [],
    ...(raw.checksum?.checksum ? { checksum: raw.checksum.checksum } : {}),
    compiled: typeof (raw as Record<string, unknown>)[compiledKey] === "string",
    ...(raw.resource_type === "test" ? { test: testInfo(raw, parentName) } : {}),
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
