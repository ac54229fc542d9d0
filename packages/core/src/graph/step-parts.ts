import { assetKeyToString } from "../asset-key.ts";
import type { AssetGraph } from "../asset-graph.ts";
import type { ExecutableNode } from "../node.ts";
import { topologicalOrder } from "./topological-order.ts";

/** The outputs of one node that one step materializes. */
export interface StepPart {
  readonly key: string;
  readonly node: ExecutableNode;
  readonly outputs: readonly string[];
}

/**
 * One step per node, unless the nodes of a run read each other's assets both ways (two dbt selections
 * interleaved: `raw_orders` and `orders` in one, `stg_orders` in the other). Then, as Dagster does, each node that
 * may be subset is split by level: an asset's level is the highest level among its upstream assets in this run, plus
 * one when that upstream comes from another node, so every step only waits for steps of lower levels. Only nodes on
 * such a loop are split; their parts are keyed `node`, `node#2`, `node#3`, ... in level order. Nodes that cannot be
 * subset stay whole (a loop through them is then refused by the planner).
 */
export function stepParts(graph: AssetGraph, nodes: readonly ExecutableNode[], selectedByNode: ReadonlyMap<string, readonly string[]>, assetKeys: ReadonlySet<string>): StepPart[] {
  const whole = nodes.map((node) => ({ key: node.id, node, outputs: selectedByNode.get(node.id)! }));
  const assetsOf = (node: ExecutableNode) => {
    const selected = new Set(selectedByNode.get(node.id)!);
    return node.outputs.flatMap((o) => (o.assetKey && selected.has(o.name) ? [assetKeyToString(o.assetKey)] : []));
  };
  const producerInRun = (id: string) => (assetKeys.has(id) ? graph.producer(id) : undefined);
  const nodeDeps = (node: ExecutableNode) => assetsOf(node).flatMap((id) => graph.parents(id).flatMap((p) => (producerInRun(p) && producerInRun(p) !== node ? [producerInRun(p)!.id] : [])));
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const depsOf = new Map(nodes.map((node) => [node.id, [...new Set(nodeDeps(node))]]));
  if (!topologicalOrder(byId.keys(), (id) => depsOf.get(id)!).cycle) return whole;
  // Only nodes that reach themselves are split; the others stay one step each (no step cycle can pass through them).
  const reachesItself = (start: string): boolean => {
    const seen = new Set<string>();
    const stack = [...depsOf.get(start)!];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (id === start) return true;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...(depsOf.get(id) ?? []));
    }
    return false;
  };

  const level = new Map<string, number>();
  for (const id of graph.keys()) {
    const producer = producerInRun(id);
    if (!producer) continue;
    let own = 0;
    for (const parent of graph.parents(id)) {
      const from = producerInRun(parent);
      if (from) own = Math.max(own, level.get(parent)! + (from === producer ? 0 : 1));
    }
    level.set(id, own);
  }
  return nodes.flatMap((node) => {
    if (!graph.definitionOf(assetsOf(node)[0] ?? "")?.canSubset || !reachesItself(node.id)) return [{ key: node.id, node, outputs: selectedByNode.get(node.id)! }];
    const byLevel = new Map<number, string[]>();
    for (const output of node.outputs) {
      if (!output.assetKey || !selectedByNode.get(node.id)!.includes(output.name)) continue;
      const l = level.get(assetKeyToString(output.assetKey))!;
      byLevel.set(l, [...(byLevel.get(l) ?? []), output.name]);
    }
    return [...byLevel.keys()].sort((a, b) => a - b).map((l, i) => ({ key: i === 0 ? node.id : `${node.id}#${i + 1}`, node, outputs: byLevel.get(l)! }));
  });
}
