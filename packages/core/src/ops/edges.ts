import { ErrorCode, OrchError } from "../errors.ts";
import { didYouMean } from "../suggest.ts";
import type { InputWire, Invocation } from "./graph-recorder.ts";
import type { OpDefinition } from "./op.ts";

/** An explicit edge: `from: "op.output"` (or `"op"` for its only output) → `to: "op.input"` (or `"op"` for its only input). */
export interface JobEdge {
  readonly from: string;
  readonly to: string;
}

/** Invocations for `job({ ops, edges })`, refusing edges that name an unknown op, output or input. */
export function invocationsFromEdges(jobName: string, ops: readonly OpDefinition[], edges: readonly JobEdge[]): Map<string, Invocation> {
  const byName = new Map<string, OpDefinition>();
  for (const op of ops) {
    if (byName.has(op.name)) {
      throw new OrchError(ErrorCode.INVALID_DEFINITION, `Job "${jobName}" lists op "${op.name}" twice. Give each invocation its own name with .alias("...").`, {
        details: { job: jobName, op: op.name },
      });
    }
    const dynamic = Object.entries(op.spec.outs).find(([, out]) => out.dynamic);
    if (dynamic) {
      throw new OrchError(ErrorCode.INVALID_DEFINITION, `Op "${op.name}" in job "${jobName}" has dynamic output "${dynamic[0]}": wire it with job({ graph }) and .map()/.collect().`);
    }
    byName.set(op.name, op);
  }
  const inputs = new Map<string, Map<string, InputWire>>(ops.map((op) => [op.name, new Map()]));
  for (const edge of edges) {
    const label = `Edge "${edge.from} → ${edge.to}" in job "${jobName}"`;
    const [fromOp, output] = endpoint(label, edge.from, byName, (op) => Object.keys(op.spec.outs), "output");
    const [toOp, input] = endpoint(label, edge.to, byName, (op) => Object.keys(op.spec.ins), "input");
    const wired = inputs.get(toOp.name)!;
    if (wired.has(input)) {
      throw new OrchError(ErrorCode.INVALID_DEFINITION, `${label} connects input "${toOp.name}.${input}" a second time (already from "${wired.get(input)!.from}").`);
    }
    wired.set(input, { kind: "value", from: fromOp.name, output });
  }
  return new Map(ops.map((op) => [op.name, { path: op.name, op: op.spec, inputs: inputs.get(op.name)! }]));
}

function endpoint(
  label: string,
  text: string,
  byName: ReadonlyMap<string, OpDefinition>,
  names: (op: OpDefinition) => string[],
  what: "input" | "output",
): [OpDefinition, string] {
  const dot = text.indexOf(".");
  const opName = dot < 0 ? text : text.slice(0, dot);
  const op = byName.get(opName);
  if (!op) {
    throw new OrchError(ErrorCode.INVALID_DEFINITION, `${label} names op "${opName}", which is not in the job. Ops: ${[...byName.keys()].join(", ")}.${didYouMean(opName, byName.keys())}`, {
      details: { edge: text, op: opName },
    });
  }
  const known = names(op);
  if (dot < 0) {
    if (known.length === 1) return [op, known[0]!];
    throw new OrchError(ErrorCode.INVALID_DEFINITION, `${label}: op "${opName}" has ${known.length} ${what}s (${known.join(", ") || "none"}); name one as "${opName}.<${what}>".`);
  }
  const name = text.slice(dot + 1);
  if (!known.includes(name)) {
    throw new OrchError(
      ErrorCode.INVALID_DEFINITION,
      `${label} names ${what} "${name}" of op "${opName}", which does not exist. ${what === "input" ? "Inputs" : "Outputs"}: ${known.join(", ") || "(none)"}.${didYouMean(name, known)}`,
      { details: { edge: text, op: opName, [what]: name } },
    );
  }
  return [op, name];
}
