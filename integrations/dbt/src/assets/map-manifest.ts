import { assetKeyToString, type AssetCheckSpec, type AssetKey, type AssetSpec } from "@orch/core";
import { isEphemeral, isMaterializable, isTestLike, type DbtManifest, type DbtNode } from "../manifest/model.ts";
import { selectDbtNodes, type DbtSelectOptions } from "../select/resolve.ts";
import { createLineage } from "./lineage.ts";
import type { DbtTranslator } from "./translator.ts";

export interface MappedCheck {
  readonly test: DbtNode;
  readonly spec: AssetCheckSpec;
}

/** A dbt test that becomes no check and no observation, and why (reported as a warning when the assets load). */
export interface UnmappedTest {
  readonly uniqueId: string;
  /** `ephemeral`: it checks an ephemeral model, which has no relation of its own; `no_parent`: it reads no node. */
  readonly reason: "ephemeral" | "no_parent";
  /** The ephemeral model it checks. */
  readonly target?: string;
}

/**
 * The dbt project as orch assets. The selection's models, seeds and snapshots are owned: specs with an output each.
 * What they read but the selection leaves out (sources, and models, seeds and snapshots outside the selection)
 * become external placeholders: the asset graph uses the key's real definition when another definition has one
 * (another `dbtAssets` over the rest of the project, a TypeScript asset), and the placeholder otherwise.
 */
export interface MappedManifest {
  readonly specs: AssetSpec[];
  readonly checks: MappedCheck[];
  /** unique_id → spec, for owned nodes and placeholders. */
  readonly byUniqueId: ReadonlyMap<string, AssetSpec>;
  /** output name → unique_id, for owned nodes. */
  readonly outputs: ReadonlyMap<string, string>;
  /** Tests with no single target asset: their results are reported as observations on their owned parents. */
  readonly unattachedTests: DbtNode[];
  readonly unmappedTests: UnmappedTest[];
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
  const isAssetNode = (node: DbtNode | undefined): node is DbtNode => node !== undefined && (isMaterializable(node) || node.resourceType === "source");
  const specFor = (node: DbtNode, placeholder: boolean): AssetSpec => {
    const key = keyOf(node);
    const description = translator.getDescription(node, manifest);
    const codeVersion = placeholder ? undefined : translator.getCodeVersion(node, manifest);
    const upstream = placeholder ? [] : upstreamOf(node.uniqueId).flatMap((id) => {
      const parent = manifest.nodes.get(id);
      return isAssetNode(parent) ? [keyOf(parent)] : [];
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
      ...(placeholder ? { external: true, placeholder: true } : { outputName: outputNameFor(node.uniqueId) }),
      upstream,
    };
  };

  const owned = new Set<string>();
  for (const id of selected) {
    const node = manifest.nodes.get(id);
    if (node && isMaterializable(node)) owned.add(id);
  }
  const placeholders = new Set<string>();
  for (const id of selected) if (manifest.nodes.get(id)?.resourceType === "source") placeholders.add(id);
  for (const id of owned) for (const parent of upstreamOf(id)) if (!owned.has(parent) && isAssetNode(manifest.nodes.get(parent))) placeholders.add(parent);

  const specs: AssetSpec[] = [];
  const byUniqueId = new Map<string, AssetSpec>();
  const outputs = new Map<string, string>();
  for (const id of owned) {
    const spec = specFor(manifest.nodes.get(id) as DbtNode, false);
    specs.push(spec);
    byUniqueId.set(id, spec);
    outputs.set(spec.outputName as string, id);
  }
  for (const id of placeholders) {
    const spec = specFor(manifest.nodes.get(id) as DbtNode, true);
    specs.push(spec);
    byUniqueId.set(id, spec);
  }

  const checks: MappedCheck[] = [];
  const unattachedTests: DbtNode[] = [];
  const unmappedTests: UnmappedTest[] = [];
  for (const node of manifest.nodes.values()) {
    if (!isTestLike(node)) continue;
    const targetId = translator.getCheckTarget(node, manifest);
    const target = targetId !== undefined ? manifest.nodes.get(targetId) : undefined;
    // A check belongs to the definition that owns its asset; a source's tests to the one whose selection has them,
    // so that two dbtAssets over complementary selections never both declare a check.
    const mine = target !== undefined && (owned.has(target.uniqueId) || (target.resourceType === "source" && selected.has(node.uniqueId)));
    if (mine) {
      const description = node.description || undefined;
      checks.push({
        test: node,
        spec: {
          name: translator.getCheckName(node, manifest),
          assetKey: keyOf(target),
          // dbt build skips everything downstream of a failing error-severity test: that is a blocking check.
          blocking: (node.test?.severity ?? "error") === "error",
          ...(description ? { description } : {}),
        },
      });
    } else if (target !== undefined && isEphemeral(target)) {
      if (selected.has(target.uniqueId)) unmappedTests.push({ uniqueId: node.uniqueId, reason: "ephemeral", target: target.uniqueId });
    } else if (target === undefined && node.dependsOn.some((p) => owned.has(p))) {
      unattachedTests.push(node);
    } else if (node.dependsOn.length === 0 && selected.has(node.uniqueId)) {
      unmappedTests.push({ uniqueId: node.uniqueId, reason: "no_parent" });
    }
  }
  return { specs, checks, byUniqueId, outputs, unattachedTests, unmappedTests };
}
