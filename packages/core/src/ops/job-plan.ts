import { ErrorCode, OrchError } from "../errors.ts";
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
  return topologicalOrder(jobName, invocations).map((invocation) => {
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

function topologicalOrder(jobName: string, invocations: ReadonlyMap<string, Invocation>): Invocation[] {
  const upstream = (inv: Invocation) => [...new Set([...inv.inputs.values()].map((w) => w.from))];
  const indegree = new Map([...invocations.values()].map((inv) => [inv.path, upstream(inv).length]));
  const children = new Map<string, string[]>([...invocations.keys()].map((p) => [p, []]));
  for (const inv of invocations.values()) for (const parent of upstream(inv)) children.get(parent)!.push(inv.path);
  const queue = [...invocations.keys()].filter((p) => indegree.get(p) === 0);
  for (let i = 0; i < queue.length; i++) {
    for (const child of children.get(queue[i]!)!) {
      indegree.set(child, indegree.get(child)! - 1);
      if (indegree.get(child) === 0) queue.push(child);
    }
  }
  if (queue.length < invocations.size) {
    const cycle = findCycle(new Set(queue), invocations, upstream);
    throw new OrchError(ErrorCode.DEPENDENCY_CYCLE, `Ops in job "${jobName}" form a cycle: ${cycle.join(" → ")}. Remove one of these edges.`, {
      details: { job: jobName, cycle },
    });
  }
  return queue.map((p) => invocations.get(p)!);
}

function findCycle(done: ReadonlySet<string>, invocations: ReadonlyMap<string, Invocation>, upstream: (inv: Invocation) => string[]): string[] {
  // Walk upstream among unfinished ops until one repeats: that loop is a cycle.
  const seen = new Map<string, number>();
  const path: string[] = [];
  let current = [...invocations.keys()].find((p) => !done.has(p))!;
  while (!seen.has(current)) {
    seen.set(current, path.length);
    path.push(current);
    current = upstream(invocations.get(current)!).find((p) => !done.has(p))!;
  }
  const loop = path.slice(seen.get(current)!).reverse();
  return [...loop, loop[0]!];
}
