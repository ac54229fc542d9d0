import { ErrorCode, OrchError } from "../errors.ts";
import { topologicalOrder } from "../graph/topological-order.ts";
import type { PlannedInput, PlannedStep } from "../plan.ts";
import { templateKey, type DynamicTemplateStep } from "./dynamic-steps.ts";
import type { Invocation } from "./graph-recorder.ts";
import { opNodeId } from "./op-node.ts";

/**
 * Turns a job's op invocations into plan steps, in dependency order. Ops mapped over a dynamic output become
 * templates (`process[?]`) that the scheduler expands per key; their collectors depend on the template.
 * Refuses unconnected inputs without a default and cycles, naming the op and input or printing the cycle.
 */
export function planOpJob(jobName: string, invocations: ReadonlyMap<string, Invocation>): PlannedStep[] {
  for (const invocation of invocations.values()) {
    for (const [name, spec] of Object.entries(invocation.op.ins)) {
      if (invocation.inputs.has(name) || spec.hasDefault) continue;
      throw new OrchError(
        ErrorCode.INVALID_DEFINITION,
        `Input "${name}" of op "${invocation.path}" in job "${jobName}" is not connected and has no default. Pass it another op's output, add an edge to "${invocation.path}.${name}", or declare In({ default }).`,
        { details: { job: jobName, op: invocation.path, input: name } },
      );
    }
  }
  const stepKeyOf = (path: string) => (invocations.get(path)!.mapping ? templateKey(path) : path);
  return dependencyOrder(jobName, invocations).map((invocation) => {
    const deps = new Set<string>();
    const inputs: PlannedInput[] = [...invocation.inputs].map(([name, wire]) => {
      // A keyed item or a whole dynamic output is read from the source step itself, never a template.
      const upstreamStepKey = wire.kind === "mapped_item" || wire.kind === "collect_source" ? wire.from : stepKeyOf(wire.from);
      deps.add(upstreamStepKey);
      return { name, upstreamStepKey, upstreamNodeId: opNodeId(jobName, wire.from), upstreamOutputName: wire.output };
    });
    const mapping = invocation.mapping;
    if (mapping) deps.add(mapping.source);
    const step: PlannedStep = {
      key: stepKeyOf(invocation.path),
      nodeId: opNodeId(jobName, invocation.path),
      kind: "op",
      deps: [...deps],
      inputs,
      selectedOutputs: Object.keys(invocation.op.outs),
      tags: { ...invocation.op.tags, "orch/job": jobName, "orch/op": invocation.op.name },
      ...(invocation.op.executionHint ? { executionHint: invocation.op.executionHint } : {}),
    };
    if (!mapping) return step;
    const template: DynamicTemplateStep = { ...step, dynamic: { sourceStepKey: mapping.source, outputName: mapping.output } };
    return template;
  });
}

function dependencyOrder(jobName: string, invocations: ReadonlyMap<string, Invocation>): Invocation[] {
  const sorted = topologicalOrder(invocations.keys(), (path) => [...invocations.get(path)!.inputs.values()].map((wire) => wire.from));
  if (sorted.cycle) {
    throw new OrchError(ErrorCode.DEPENDENCY_CYCLE, `Ops in job "${jobName}" form a cycle: ${sorted.cycle.join(" → ")}. Remove one of these edges.`, {
      details: { job: jobName, cycle: sorted.cycle },
    });
  }
  return sorted.order.map((path) => invocations.get(path)!);
}
