import { assetKeyToString } from "../asset-key.ts";
import type { AssetGraph } from "../asset-graph.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import type { PlannedStep } from "../plan.ts";
import { topologicalOrder } from "./topological-order.ts";

/**
 * Refuses a plan whose steps wait on each other. The assets form no cycle (the graph refuses those), but a step
 * runs the selected assets of its node at once, so a node that cannot be subset and reads, through another node,
 * one of its own assets (`a` → `b` → `c`, `a` and `c` in one node) would wait for itself: no step could start.
 * (Nodes that may be subset are split into several steps instead, see step-parts.ts.)
 */
export function refuseStepCycles(steps: readonly PlannedStep[], graph: AssetGraph): void {
  const byKey = new Map(steps.map((step) => [step.key, step]));
  const sorted = topologicalOrder(byKey.keys(), (key) => byKey.get(key)!.deps);
  if (!sorted.cycle) return;
  const links = sorted.cycle.slice(1).map((key, i) => `${key} waits for ${sorted.cycle[i]}${readAcross(byKey.get(key)!, byKey.get(sorted.cycle[i]!)!, graph)}`);
  throw new OrchError(
    ErrorCode.DEPENDENCY_CYCLE,
    `The selected assets need steps that wait on each other: ${sorted.cycle.join(" → ")} (${links.join("; ")}). A node that cannot be subset runs all its selected assets in one step, so these cannot run in one run: materialize them in separate runs, declare the multi-asset with canSubset: true (orch then splits its step), or define them so that one only reads the other.`,
    { details: { cycle: sorted.cycle } },
  );
}

/** ` ("orders" reads "stg_orders")`: an asset of `reader` whose upstream `producer` materializes in this plan. */
function readAcross(reader: PlannedStep, producer: PlannedStep, graph: AssetGraph): string {
  const produced = new Set(producer.selectedOutputs.flatMap((name) => graph.nodes.get(producer.nodeId)?.outputs.filter((o) => o.name === name && o.assetKey).map((o) => assetKeyToString(o.assetKey!)) ?? []));
  for (const name of reader.selectedOutputs) {
    const output = graph.nodes.get(reader.nodeId)?.outputs.find((o) => o.name === name);
    if (!output?.assetKey) continue;
    const id = assetKeyToString(output.assetKey);
    const upstream = graph.parents(id).find((p) => produced.has(p));
    if (upstream) return ` ("${id}" reads "${upstream}")`;
  }
  return "";
}
