import { assetKeyToString } from "../asset-key.ts";
import type { AssetGraph } from "../asset-graph.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import type { PlannedStep } from "../plan.ts";
import { topologicalOrder } from "./topological-order.ts";

/**
 * Refuses a plan whose steps wait on each other. The assets form no cycle (the graph refuses those), but a step
 * runs all the selected assets of its node at once, so two multi-asset nodes that read each other's assets
 * (`a` → `b` → `c` with `a` and `c` in one node) would each wait for the other, and no step could ever start.
 */
export function refuseStepCycles(steps: readonly PlannedStep[], graph: AssetGraph): void {
  const byKey = new Map(steps.map((step) => [step.key, step]));
  const sorted = topologicalOrder(byKey.keys(), (key) => byKey.get(key)!.deps);
  if (!sorted.cycle) return;
  const links = sorted.cycle.slice(1).map((key, i) => `${key} reads ${readAcross(byKey.get(key)!, byKey.get(sorted.cycle[i]!)!, graph)}`);
  throw new OrchError(
    ErrorCode.DEPENDENCY_CYCLE,
    `The selected assets need steps that wait on each other: ${sorted.cycle.join(" → ")} (${links.join("; ")}). Each step runs its definition's selected assets together, so these cannot run in one run: materialize them in separate runs, or define them so that one only reads the other (for dbt: close one selection upstream, e.g. "+tag:nightly" and its complement).`,
    { details: { cycle: sorted.cycle } },
  );
}

/** An asset of `reader` whose upstream `producer` materializes in this plan: `"orders" from "stg_orders"`. */
function readAcross(reader: PlannedStep, producer: PlannedStep, graph: AssetGraph): string {
  const produced = new Set(producer.selectedOutputs.flatMap((name) => graph.nodes.get(producer.nodeId)?.outputs.filter((o) => o.name === name && o.assetKey).map((o) => assetKeyToString(o.assetKey!)) ?? []));
  for (const name of reader.selectedOutputs) {
    const output = graph.nodes.get(reader.nodeId)?.outputs.find((o) => o.name === name);
    if (!output?.assetKey) continue;
    const id = assetKeyToString(output.assetKey);
    const upstream = graph.parents(id).find((p) => produced.has(p));
    if (upstream) return `"${id}" from "${upstream}"`;
  }
  return `from ${producer.key}`;
}
