import { assetKeyToString } from "../asset-key.ts";
import type { Definitions } from "../definitions.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import type { ExecutableNode } from "../node.ts";
import type { ExecutionPlan, PlannedInput, PlannedStep } from "../plan.ts";

export interface PlanOptions {
  /** Asset ids (`a/b`) to materialize. */
  readonly assetKeys: ReadonlySet<string>;
}

/**
 * Turns a set of selected assets into steps: one per producing node, with the outputs selected, inputs wired to
 * the step that produces them in this run or, when the upstream is not selected, to its stored value.
 * Partitions are applied afterwards by `applyPartitions`.
 */
export function buildPlan(definitions: Definitions, options: PlanOptions): ExecutionPlan {
  const graph = definitions.graph;
  const selectedByNode = new Map<string, string[]>();
  const ordered: ExecutableNode[] = [];
  for (const id of graph.keys()) {
    if (!options.assetKeys.has(id)) continue;
    const spec = graph.spec(id);
    const node = graph.producer(id);
    if (!node || spec.external) {
      throw new OrchError(ErrorCode.INVALID_SELECTION, `Asset "${id}" is external: orch observes it but never materializes it. Leave it out of the selection.`);
    }
    let outputs = selectedByNode.get(node.id);
    if (!outputs) {
      outputs = [];
      selectedByNode.set(node.id, outputs);
      ordered.push(node);
    }
    outputs.push(spec.outputName!);
  }
  for (const node of ordered) {
    const def = graph.definitionOf(node.outputs[0]?.assetKey ? assetKeyToString(node.outputs[0].assetKey) : "");
    const selected = selectedByNode.get(node.id)!;
    const assetOutputs = node.outputs.filter((o) => o.assetKey);
    if (def && !def.canSubset && selected.length < assetOutputs.length) {
      const missing = assetOutputs.filter((o) => !selected.includes(o.name)).map((o) => `"${assetKeyToString(o.assetKey!)}"`);
      throw new OrchError(
        ErrorCode.INVALID_SELECTION,
        `Assets of "${node.id}" are computed together and cannot be subset: also select ${missing.join(", ")} (or declare the multi-asset with canSubset: true).`,
      );
    }
  }

  const stepOfNode = new Map<string, string>();
  for (const node of ordered) stepOfNode.set(node.id, node.id);
  const steps: PlannedStep[] = ordered.map((node) => {
    const deps = new Set<string>();
    const inputs: PlannedInput[] = node.inputs.map((input) => {
      if (input.source.kind === "node_output") {
        const upstreamStepKey = stepOfNode.get(input.source.nodeId);
        if (upstreamStepKey) deps.add(upstreamStepKey);
        return {
          name: input.name,
          upstreamNodeId: input.source.nodeId,
          upstreamOutputName: input.source.outputName,
          ...(upstreamStepKey ? { upstreamStepKey } : {}),
        };
      }
      const upstreamId = assetKeyToString(input.source.assetKey);
      const producer = graph.producer(upstreamId);
      const upstreamStepKey = producer && options.assetKeys.has(upstreamId) ? stepOfNode.get(producer.id) : undefined;
      if (upstreamStepKey && upstreamStepKey !== node.id) deps.add(upstreamStepKey);
      return {
        name: input.name,
        assetKey: input.source.assetKey,
        upstreamNodeId: producer?.id ?? upstreamId,
        upstreamOutputName: graph.spec(upstreamId).outputName ?? "result",
        ...(upstreamStepKey ? { upstreamStepKey } : {}),
      };
    });
    for (const dep of node.deps) {
      const id = assetKeyToString(dep);
      const producer = graph.producer(id);
      const stepKey = producer && options.assetKeys.has(id) ? stepOfNode.get(producer.id) : undefined;
      if (stepKey && stepKey !== node.id) deps.add(stepKey);
    }
    return {
      key: node.id,
      nodeId: node.id,
      kind: node.nodeKind,
      deps: [...deps],
      inputs,
      selectedOutputs: selectedByNode.get(node.id)!,
      tags: node.tags,
      ...(node.executionHint ? { executionHint: node.executionHint } : {}),
    };
  });

  return { steps, assetKeys: [...options.assetKeys] };
}
