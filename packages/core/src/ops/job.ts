import type { JobDefinition } from "../definitions.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import { invocationsFromEdges, type JobEdge } from "./edges.ts";
import { GraphRecorder, recordGraph, type Invocation } from "./graph-recorder.ts";
import { planOpJob } from "./job-plan.ts";
import { checkRunRetryTags } from "../queue/run-retries.ts";
import { checkName, type OpDefinition } from "./op.ts";
import { compileOpNode } from "./op-node.ts";

interface JobBase {
  name: string;
  description?: string;
  tags?: Record<string, string>;
  /** Executor name from the instance config (e.g. `threads`). */
  executor?: string;
}

export type JobOptions = JobBase &
  (
    | { /** Calls ops; each call adds a step, passing one op's output to another wires an edge. */ graph: () => unknown }
    | { ops: readonly OpDefinition[]; edges?: readonly JobEdge[] }
    | { /** Asset selection (`group:sales`, `+daily_revenue`): runs materialize that selection. */ selection: string }
  );

/**
 * Declares a job: ops wired by calling them in `graph` (Dagster style) or by explicit `edges`, or a selection of
 * assets. Op graphs are validated and compiled here, so a bad edge, an unconnected input, a cycle or a duplicate
 * op name is refused where the job is declared.
 */
export function job(options: JobOptions): JobDefinition {
  checkName(options.name, "Job");
  checkRunRetryTags(options.tags, `Job "${options.name}"`);
  const base = {
    kind: "orch.job" as const,
    name: options.name,
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.tags ? { tags: { ...options.tags } } : {}),
    ...(options.executor !== undefined ? { executor: options.executor } : {}),
  };
  const given = ["graph", "ops", "selection"].filter((k) => k in options);
  if (given.length !== 1) {
    throw new OrchError(ErrorCode.INVALID_DEFINITION, `Job "${options.name}" needs exactly one of graph, ops or selection${given.length ? ` (got ${given.join(" and ")})` : ""}.`);
  }
  if ("selection" in options) return Object.freeze({ ...base, selection: options.selection });

  let invocations: Map<string, Invocation>;
  if ("graph" in options) {
    const recorder = new GraphRecorder(options.name);
    recordGraph(recorder, options.graph);
    invocations = recorder.invocations;
  } else {
    invocations = invocationsFromEdges(options.name, options.ops, options.edges ?? []);
  }
  if (invocations.size === 0) throw new OrchError(ErrorCode.INVALID_DEFINITION, `Job "${options.name}" has no ops.`);
  const steps = planOpJob(options.name, invocations);
  const nodes = [...invocations.values()].map((inv) => compileOpNode(options.name, inv));
  return Object.freeze({ ...base, ops: Object.freeze({ nodes, steps }) });
}
