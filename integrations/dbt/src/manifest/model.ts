/** orch's compact, version-independent view of a dbt manifest: what mapping and selection need, nothing more. */

export type DbtSeverity = "warn" | "error";

export interface DbtColumn {
  readonly name: string;
  readonly description?: string;
  readonly dataType?: string;
  /** Constraint types from the column's contract (`not_null`, `unique`, `primary_key`, ...). */
  readonly constraints: readonly string[];
}

export interface DbtTestInfo {
  readonly severity: DbtSeverity;
  /** dbt's own attachment (v9+), or the node named by the generic test's `model` argument, else undefined. */
  readonly attachedNode?: string;
  /** Generic test name (`unique`, `not_null`, ...); undefined for singular tests and unit tests. */
  readonly testName?: string;
  readonly columnName?: string;
}

export interface DbtNode {
  readonly uniqueId: string;
  /** model, seed, snapshot, source, test, unit_test, analysis, operation, ... */
  readonly resourceType: string;
  readonly name: string;
  readonly packageName: string;
  readonly fqn: readonly string[];
  /** POSIX form of original_file_path, even for manifests written on Windows. */
  readonly originalFilePath: string;
  readonly database?: string;
  readonly schema?: string;
  readonly alias?: string;
  readonly relationName?: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly meta: Readonly<Record<string, unknown>>;
  /** The node's config as dbt wrote it (selection reads `config.<key>:`). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly materialized?: string;
  readonly columns: readonly DbtColumn[];
  readonly dependsOn: readonly string[];
  readonly group?: string;
  readonly access?: string;
  readonly version?: string;
  readonly latestVersion?: string;
  readonly contractEnforced: boolean;
  readonly constraints: readonly Readonly<Record<string, unknown>>[];
  readonly checksum?: string;
  /** False for parse-only manifests (`dbt parse`), which carry no compiled SQL. */
  readonly compiled: boolean;
  readonly sourceName?: string;
  readonly test?: DbtTestInfo;
}

export interface DbtGroup {
  readonly name: string;
  readonly ownerEmail?: string;
  readonly ownerName?: string;
}

export interface DbtManifest {
  readonly schemaVersion: number;
  readonly dbtVersion?: string;
  readonly projectName?: string;
  readonly adapterType?: string;
  /** Every node, source and unit test by unique_id. */
  readonly nodes: ReadonlyMap<string, DbtNode>;
  readonly groups: ReadonlyMap<string, DbtGroup>;
  readonly semanticModels: readonly string[];
  readonly savedQueries: readonly string[];
  readonly functions: readonly string[];
}

export const ASSET_RESOURCE_TYPES: ReadonlySet<string> = new Set(["model", "seed", "snapshot"]);

export function isEphemeral(node: DbtNode): boolean {
  return node.resourceType === "model" && node.materialized === "ephemeral";
}

/** Models, seeds and snapshots that dbt materializes (ephemeral models are folded away). */
export function isMaterializable(node: DbtNode): boolean {
  return ASSET_RESOURCE_TYPES.has(node.resourceType) && !isEphemeral(node);
}

export function isTestLike(node: DbtNode): boolean {
  return node.resourceType === "test" || node.resourceType === "unit_test";
}
