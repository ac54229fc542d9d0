import { assetKeyToString } from "../asset-key.ts";
import type { Definitions } from "../definitions.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import type { ExecutableNode } from "../node.ts";
import { refuseStepCycles } from "../graph/plan-cycles.ts";
import { stepParts } from "../graph/step-parts.ts";
import type { ExecutionPlan, PlannedInput, PlannedStep } from "../plan.ts";

export interface PlanOptions {
  /** Asset ids (`a/b`) to materialize. */
  readonly assetKeys: ReadonlySet<string>;
  /** Asset checks of the selected assets: run after them (`include`, default), not at all, or `only` the checks. */
  readonly checks?: "include" | "exclude" | "only";
}

/** Asset id → the step that materializes it in this plan. */
function stepOfAsset(steps: readonly PlannedStep[], definitions: Definitions): Map<string, string> {
  const out = new Map<string, string>();
  for (const step of steps) {
    const node = definitions.graph.nodes.get(step.nodeId)!;
    for (const output of node.outputs) if (output.assetKey && step.selectedOutputs.includes(output.name)) out.set(assetKeyToString(output.assetKey), step.key);
  }
  return out;
}

/** One step per check of each selected asset, reading the asset from its step in this plan or from storage. */
function planChecks(definitions: Definitions, assetKeys: ReadonlySet<string>, producedBy: ReadonlyMap<string, string>): PlannedStep[] {
  const graph = definitions.graph;
  const out: PlannedStep[] = [];
  for (const id of graph.keys()) {
    if (!assetKeys.has(id)) continue;
    for (const node of graph.checkNodes(id)) {
      const upstreamStepKey = producedBy.get(id);
      const spec = graph.spec(id);
      out.push({
        key: node.id,
        nodeId: node.id,
        kind: node.nodeKind,
        deps: upstreamStepKey ? [upstreamStepKey] : [],
        inputs: [
          {
            name: node.inputs[0]!.name,
            assetKey: spec.key,
            upstreamNodeId: graph.producer(id)?.id ?? id,
            upstreamOutputName: spec.outputName ?? "result",
            ...(upstreamStepKey ? { upstreamStepKey } : {}),
          },
        ],
        selectedOutputs: [],
        tags: node.tags,
      });
    }
  }
  return out;
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

  const parts = stepParts(graph, ordered, selectedByNode, options.assetKeys);
  // Which step materializes each output in this run (a node split into parts has several).
  const stepOfOutput = new Map<string, string>();
  for (const part of parts) for (const name of part.outputs) stepOfOutput.set(`${part.node.id}\u0000${name}`, part.key);
  const stepProducing = (id: string): string | undefined => {
    const producer = options.assetKeys.has(id) ? graph.producer(id) : undefined;
    return producer ? stepOfOutput.get(`${producer.id}\u0000${graph.spec(id).outputName}`) : undefined;
  };
  const steps: PlannedStep[] = parts.map(({ key, node, outputs }) => {
    const deps = new Set<string>();
    const inputs: PlannedInput[] = node.inputs.map((input) => {
      if (input.source.kind === "node_output") {
        const upstreamStepKey = stepOfOutput.get(`${input.source.nodeId}\u0000${input.source.outputName}`);
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
      const upstreamStepKey = stepProducing(upstreamId);
      if (upstreamStepKey && upstreamStepKey !== key) deps.add(upstreamStepKey);
      return {
        name: input.name,
        assetKey: input.source.assetKey,
        upstreamNodeId: producer?.id ?? upstreamId,
        upstreamOutputName: graph.spec(upstreamId).outputName ?? "result",
        ...(upstreamStepKey ? { upstreamStepKey } : {}),
      };
    });
    // The upstream of the outputs this step materializes, not of the whole node: a dbt node's models read
    // different assets, and a subset must not wait for what only its unselected models read.
    const selected = new Set(outputs);
    for (const output of node.outputs) {
      if (!output.assetKey || !selected.has(output.name)) continue;
      for (const dep of graph.spec(assetKeyToString(output.assetKey)).upstream) {
        const stepKey = stepProducing(assetKeyToString(dep));
        if (stepKey && stepKey !== key) deps.add(stepKey);
      }
    }
    return {
      key,
      nodeId: node.id,
      kind: node.nodeKind,
      deps: [...deps],
      inputs,
      selectedOutputs: [...outputs],
      tags: node.tags,
      ...(node.executionHint ? { executionHint: node.executionHint } : {}),
    };
  });

  const checks = options.checks ?? "include";
  if (checks === "exclude") {
    refuseStepCycles(steps, graph);
    return { steps, assetKeys: [...options.assetKeys] };
  }
  const checkSteps = planChecks(definitions, options.assetKeys, checks === "only" ? new Map() : stepOfAsset(steps, definitions));
  if (checks === "only") {
    if (checkSteps.length === 0) {
      throw new OrchError(ErrorCode.EMPTY_SELECTION, `None of the selected assets has checks that run as their own steps.`);
    }
    return { steps: checkSteps, assetKeys: [] };
  }
  // Steps reading an asset with a blocking check wait for the check, so a failure can stop them.
  const blockingCheckOf = new Map<string, string[]>();
  for (const step of checkSteps) {
    const assetId = assetKeyToString(step.inputs[0]!.assetKey!);
    if (graph.checks(assetId).some((c) => c.blocking && step.nodeId.endsWith(`:${c.name}`))) {
      blockingCheckOf.set(assetId, [...(blockingCheckOf.get(assetId) ?? []), step.key]);
    }
  }
  const withChecks = steps.map((step) => {
    const node = graph.nodes.get(step.nodeId)!;
    const read = [...step.inputs.flatMap((i) => (i.assetKey ? [assetKeyToString(i.assetKey)] : [])), ...node.deps.map(assetKeyToString)];
    const extra = read.flatMap((id) => (options.assetKeys.has(id) ? (blockingCheckOf.get(id) ?? []) : []));
    return extra.length ? { ...step, deps: [...new Set([...step.deps, ...extra])] } : step;
  });
  const planned = [...withChecks, ...checkSteps];
  refuseStepCycles(planned, graph);
  return { steps: planned, assetKeys: [...options.assetKeys] };
}
