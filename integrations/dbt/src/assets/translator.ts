import { toAssetKey, type AssetKey } from "@orch/core";
import type { DbtManifest, DbtNode } from "../manifest/model.ts";
import { contractColumns } from "./contract.ts";

/**
 * How dbt nodes become orch assets: keys, groups, descriptions, owners, tags, metadata and check placement.
 * Pass an object of optional overrides to `dbtAssets({ translator })`; each receives the defaults as a third argument.
 */
export interface DbtTranslator {
  getAssetKey(node: DbtNode, manifest: DbtManifest): AssetKey;
  getGroupName(node: DbtNode, manifest: DbtManifest): string;
  getDescription(node: DbtNode, manifest: DbtManifest): string | undefined;
  getOwners(node: DbtNode, manifest: DbtManifest): readonly string[];
  getTags(node: DbtNode, manifest: DbtManifest): Record<string, string>;
  getKinds(node: DbtNode, manifest: DbtManifest): readonly string[];
  getCodeVersion(node: DbtNode, manifest: DbtManifest): string | undefined;
  getMetadata(node: DbtNode, manifest: DbtManifest): Record<string, unknown>;
  /** The unique_id of the model, seed, snapshot or source a test checks; undefined reports it as an observation. */
  getCheckTarget(test: DbtNode, manifest: DbtManifest): string | undefined;
  getCheckName(test: DbtNode, manifest: DbtManifest): string;
}

export type DbtTranslatorOverrides = {
  [K in keyof DbtTranslator]?: (node: DbtNode, manifest: DbtManifest, defaults: DbtTranslator) => ReturnType<DbtTranslator[K]>;
};

const safeSegment = (s: string): string => s.replace(/[^A-Za-z0-9_.\-]/g, "_");

export const defaultDbtTranslator: DbtTranslator = {
  getAssetKey(node) {
    if (node.resourceType === "source") return toAssetKey([safeSegment(node.sourceName ?? node.packageName), safeSegment(node.name)]);
    const name = node.version !== undefined ? `${node.name}_v${node.version}` : node.name;
    const configuredSchema = node.config["schema"];
    return toAssetKey(typeof configuredSchema === "string" && configuredSchema ? [safeSegment(configuredSchema), safeSegment(name)] : [safeSegment(name)]);
  },
  getGroupName(node) {
    return node.group ? safeSegment(node.group) : "default";
  },
  getDescription(node) {
    return node.description || undefined;
  },
  getOwners(node, manifest) {
    const owners: string[] = [];
    const group = node.group ? manifest.groups.get(node.group) : undefined;
    if (group?.ownerEmail) owners.push(group.ownerEmail);
    else if (group?.ownerName) owners.push(group.ownerName);
    const metaOwner = node.meta["owner"];
    if (typeof metaOwner === "string" && !owners.includes(metaOwner)) owners.push(metaOwner);
    return owners;
  },
  getTags(node) {
    return Object.fromEntries(node.tags.map((tag) => [tag, ""]));
  },
  getKinds(_node, manifest) {
    return manifest.adapterType ? ["dbt", manifest.adapterType] : ["dbt"];
  },
  getCodeVersion(node) {
    return node.checksum || undefined;
  },
  getMetadata(node) {
    const md: Record<string, unknown> = {
      "dbt/unique_id": node.uniqueId,
      "dbt/resource_type": node.resourceType,
      "dbt/code_reference": { type: "path", value: node.originalFilePath },
    };
    if (node.materialized) md["dbt/materialization"] = node.materialized;
    if (node.relationName) md["dbt/relation_name"] = node.relationName;
    if (node.database) md["dbt/database"] = node.database;
    if (node.schema) md["dbt/schema"] = node.schema;
    if (node.alias) md["dbt/alias"] = node.alias;
    if (node.access) md["dbt/access"] = node.access;
    if (node.version !== undefined) {
      md["dbt/version"] = node.version;
      md["dbt/latest_version"] = node.latestVersion ?? null;
      md["dbt/is_latest_version"] = node.latestVersion === undefined || node.latestVersion === node.version;
    }
    if (node.columns.length > 0) {
      md["dbt/columns"] = node.columns.map((c) => ({ name: c.name, type: c.dataType ?? null, description: c.description ?? null }));
    }
    const contract = contractColumns(node);
    if (contract) md["dbt/contract"] = contract;
    return md;
  },
  getCheckTarget(test, manifest) {
    if (test.test?.attachedNode) return test.test.attachedNode;
    const parents = test.dependsOn.filter((id) => {
      const parent = manifest.nodes.get(id);
      return parent !== undefined && (parent.resourceType === "source" || parent.resourceType === "model" || parent.resourceType === "seed" || parent.resourceType === "snapshot");
    });
    const unique = [...new Set(parents)];
    return unique.length === 1 ? unique[0] : undefined;
  },
  getCheckName(test) {
    return test.name;
  },
};

/** Merges overrides over the defaults; each override may call `defaults.getX(...)` to adjust rather than replace. */
export function createDbtTranslator(overrides: DbtTranslatorOverrides = {}): DbtTranslator {
  const merged = { ...defaultDbtTranslator } as Record<string, unknown>;
  for (const [name, fn] of Object.entries(overrides)) {
    if (typeof fn !== "function") continue;
    merged[name] = (node: DbtNode, manifest: DbtManifest) => (fn as (n: DbtNode, m: DbtManifest, d: DbtTranslator) => unknown)(node, manifest, defaultDbtTranslator);
  }
  return merged as unknown as DbtTranslator;
}
