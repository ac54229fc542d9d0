import { assetKeyToString, type AssetCheckSpec, type AssetKey, type AssetSpec } from "@orch/core";
import { isMaterializable, isTestLike, type DbtManifest, type DbtNode } from "../manifest/model.ts";
import { selectDbtNodes, type DbtSelectOptions } from "../select/resolve.ts";
import { createLineage } from "./lineage.ts";
import type { DbtTranslator } from "./translator.ts";

export interface MappedCheck {
  readonly test: DbtNode;
  readonly spec: AssetCheckSpec;
}

/** The dbt project as orch assets: specs per model/seed/snapshot, external specs for sources, checks per test. */
export interface MappedManifest {
  readonly specs: AssetSpec[];
  readonly checks: MappedCheck[];
  /** unique_id → spec, for materializable nodes and sources. */
  readonly byUniqueId: ReadonlyMap<string, AssetSpec>;
  /** output name → unique_id. */
  readonly outputs: ReadonlyMap<string, string>;
  /** Tests with no single target asset: their results are reported as observations on their parents. */
  readonly unattachedTests: DbtNode[];
}

/** `model.jaffle_shop.orders` → `model_jaffle_shop_orders`: a stable output name per node. */
export const outputNameFor = (uniqueId: string): string => uniqueId.replace(/[^A-Za-z0-9_]/g, "_");

export function mapManifest(manifest: DbtManifest, translator: DbtTranslator, selection: DbtSelectOptions = {}): MappedManifest {
  const selected = selectDbtNodes(manifest, selection);
  const upstreamOf = createLineage(manifest);
  const keys = new Map<string, AssetKey>();
  const keyOf = (node: DbtNode): AssetKey => {
    let key = keys.get(node.uniqueId);
    if (!key) keys.set(node.uniqueId, (key = translator.getAssetKey(node, manifest)));
    return key;
  };
  const specFor = (node: DbtNode, external: boolean): AssetSpec => {
    const key = keyOf(node);
    const description = translator.getDescription(node, manifest);
    const codeVersion = external ? undefined : translator.getCodeVersion(node, manifest);
    const upstream = external ? [] : upstreamOf(node.uniqueId).flatMap((id) => {
      const parent = manifest.nodes.get(id);
      return parent && (isMaterializable(parent) || parent.resourceType === "source") ? [keyOf(parent)] : [];
    });
    return {
      key,
      id: assetKeyToString(key),
      group: translator.getGroupName(node, manifest),
      ...(description !== undefined ? { description } : {}),
      tags: translator.getTags(node, manifest),
      owners: translator.getOwners(node, manifest),
      kinds: translator.getKinds(node, manifest),
      ...(codeVersion !== undefined ? { codeVersion } : {}),
      metadata: translator.getMetadata(node, manifest),
      ioManagerKey: "io",
      ...(external ? { external: true } : { outputName: outputNameFor(node.uniqueId) }),
      upstream,
    };
  };

  const specs: AssetSpec[] = [];
  const byUniqueId = new Map<string, AssetSpec>();
  const outputs = new Map<string, string>();
  const sources = new Set<string>();
  for (const id of selected) {
    const node = manifest.nodes.get(id);
    if (!node) continue;
    if (node.resourceType === "source") sources.add(id);
    if (!isMaterializable(node)) continue;
    const spec = specFor(node, false);
    specs.push(spec);
    byUniqueId.set(id, spec);
    outputs.set(spec.outputName as string, id);
    for (const parent of upstreamOf(id)) if (manifest.nodes.get(parent)?.resourceType === "source") sources.add(parent);
  }
  for (const id of sources) {
    const spec = specFor(manifest.nodes.get(id) as DbtNode, true);
    specs.push(spec);
    byUniqueId.set(id, spec);
  }

  const checks: MappedCheck[] = [];
  const unattachedTests: DbtNode[] = [];
  for (const node of manifest.nodes.values()) {
    if (!isTestLike(node) || !node.dependsOn.some((p) => byUniqueId.has(p))) continue;
    const target = translator.getCheckTarget(node, manifest);
    const spec = target !== undefined ? byUniqueId.get(target) : undefined;
    if (!spec) {
      unattachedTests.push(node);
      continue;
    }
    const description = node.description || undefined;
    checks.push({
      test: node,
      spec: {
        name: translator.getCheckName(node, manifest),
        assetKey: spec.key,
        // dbt build skips everything downstream of a failing error-severity test: that is a blocking check.
        blocking: (node.test?.severity ?? "error") === "error",
        ...(description ? { description } : {}),
      },
    });
  }
  return { specs, checks, byUniqueId, outputs, unattachedTests };
}
