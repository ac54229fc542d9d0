import { DEFAULT_IO_MANAGER_KEY } from "../asset.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import { normalizeMetadata } from "../metadata.ts";
import type { ExecutableNode, NodeInput, NodeInvocation, NodeOutput, NodeOutputValue, NodeResult } from "../node.ts";
import { isOutput } from "../output.ts";
import type { TypeCheck } from "../type-check.ts";
import { mappingKeyOf } from "./dynamic-steps.ts";
import type { Invocation } from "./graph-recorder.ts";
import { MAPPING_KEY, type AnyOut } from "./ins-outs.ts";
import type { OpContext } from "./op-spec.ts";

/** Node ids of op invocations are qualified by job, so two jobs may both have a `load` op. */
export function opNodeId(jobName: string, path: string): string {
  return `${jobName}.${path}`;
}

/**
 * Compiles one op invocation into the executable node the step runner runs. Dynamic outputs are stored as one
 * value, a list of `[key, value]` entries in emission order; mapped steps pick their key from it.
 */
export function compileOpNode(jobName: string, invocation: Invocation): ExecutableNode {
  const { op, path } = invocation;
  const inputs: NodeInput[] = [...invocation.inputs].map(([name, wire]) => {
    const typeCheck = op.ins[name]?.typeCheck;
    return {
      name,
      source: { kind: "node_output", nodeId: opNodeId(jobName, wire.from), outputName: wire.output },
      // Only a plain value is the input's declared type; keyed and collected values are checked by the op.
      ...(typeCheck && wire.kind === "value" ? { typeCheck } : {}),
    };
  });
  const outputs: NodeOutput[] = Object.entries(op.outs).map(([name, out]) => ({
    name,
    ioManagerKey: out.options.ioManager ?? DEFAULT_IO_MANAGER_KEY,
    optional: out.optional,
    metadata: normalizeMetadata(out.options.metadata ?? {}),
    ...(out.options.typeCheck ? { typeCheck: out.dynamic ? eachValue(out.options.typeCheck) : out.options.typeCheck } : {}),
  }));

  return {
    id: opNodeId(jobName, path),
    nodeKind: "op",
    inputs,
    outputs,
    deps: [],
    resources: op.resources,
    ...(op.configSchema ? { configSchema: op.configSchema } : {}),
    ...(op.retry ? { retry: op.retry } : {}),
    hooks: op.hooks,
    tags: { ...op.tags, "orch/job": jobName, "orch/op": op.name },
    ...(op.executionHint ? { executionHint: op.executionHint } : {}),
    description: `op "${path}" in job "${jobName}"`,
    async invoke(inv: NodeInvocation): Promise<NodeResult> {
      const mappingKey = invocation.mapping ? mappingKeyOf(inv.stepKey) : undefined;
      const emitted = new Map<string, Map<string, unknown>>();
      const context: OpContext = {
        runId: inv.runId,
        stepKey: inv.stepKey,
        opPath: path,
        ins: opInputs(invocation, inv, mappingKey) as never,
        config: inv.config as never,
        resources: inv.resources,
        log: inv.log,
        signal: inv.signal,
        attempt: inv.attempt,
        ...(mappingKey !== undefined ? { mappingKey } : {}),
        emitDynamic(key, value, output) {
          const name = output ?? onlyDynamicOutput(path, op.outs);
          if (!op.outs[name]?.dynamic) throw new OrchError(ErrorCode.STEP_FAILED, `Op "${path}" has no dynamic output "${name}".`);
          const values = emitted.get(name) ?? new Map<string, unknown>();
          addKey(path, name, values, key, value);
          emitted.set(name, values);
        },
      };
      const returned = await op.compute(context);
      const result = new Map<string, NodeOutputValue>();
      const put = (name: string, out: AnyOut, raw: unknown) => {
        if (out.dynamic) {
          const values = emitted.get(name) ?? new Map<string, unknown>();
          if (raw instanceof Map) for (const [k, v] of raw) addKey(path, name, values, k, v);
          else if (raw !== undefined) throw new OrchError(ErrorCode.STEP_FAILED, `Op "${path}" must return a Map of key → value for dynamic output "${name}", not ${typeof raw}.`);
          if (raw !== undefined || emitted.has(name)) result.set(name, { value: [...values] });
          return;
        }
        if (isOutput(raw)) result.set(name, { value: raw.value, ...(raw.metadata ? { metadata: raw.metadata } : {}) });
        else if (raw !== undefined || op.implicitOutput) result.set(name, { value: raw });
      };
      const entries = Object.entries(op.outs);
      if (op.single) put(entries[0]![0], entries[0]![1], returned);
      else {
        if (returned !== undefined && (typeof returned !== "object" || returned === null || Array.isArray(returned))) {
          throw new OrchError(ErrorCode.STEP_FAILED, `Op "${path}" has outputs ${entries.map(([n]) => `"${n}"`).join(", ")} and must return an object keyed by output name.`);
        }
        const byName = (returned ?? {}) as Record<string, unknown>;
        for (const key of Object.keys(byName)) {
          if (!(key in op.outs)) throw new OrchError(ErrorCode.STEP_FAILED, `Op "${path}" returned unknown output "${key}"; declared: ${entries.map(([n]) => n).join(", ")}.`);
        }
        for (const [name, out] of entries) put(name, out, byName[name]);
      }
      return { outputs: result };
    },
  };
}

function opInputs(invocation: Invocation, inv: NodeInvocation, mappingKey: string | undefined): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(invocation.op.ins)) {
    const wire = invocation.inputs.get(name);
    if (!wire) {
      values[name] = spec.default;
      continue;
    }
    const loaded = inv.inputs[name];
    if (wire.kind === "value") values[name] = loaded;
    else if (wire.kind === "collect_source") values[name] = (loaded as [string, unknown][]).map(([, v]) => v);
    else if (wire.kind === "collect") {
      // The scheduler expanded this input into `name[key]` inputs, one per key, in key order.
      const prefix = `${name}[`;
      values[name] = Object.entries(inv.inputs).filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
    } else {
      const entry = (loaded as [string, unknown][]).find(([k]) => k === mappingKey);
      if (!entry) throw new OrchError(ErrorCode.STEP_FAILED, `Step "${inv.stepKey}" found no key "${mappingKey}" in dynamic output "${wire.from}.${wire.output}".`);
      values[name] = entry[1];
    }
  }
  return values;
}

function addKey(path: string, output: string, values: Map<string, unknown>, key: unknown, value: unknown): void {
  if (typeof key !== "string" || !MAPPING_KEY.test(key)) {
    throw new OrchError(ErrorCode.STEP_FAILED, `Op "${path}" emitted mapping key ${JSON.stringify(key)} on "${output}": keys are strings of letters, digits and underscores.`);
  }
  if (values.has(key)) throw new OrchError(ErrorCode.STEP_FAILED, `Op "${path}" emitted mapping key "${key}" twice on dynamic output "${output}".`);
  values.set(key, value);
}

function onlyDynamicOutput(path: string, outs: Readonly<Record<string, AnyOut>>): string {
  const dynamic = Object.entries(outs).filter(([, o]) => o.dynamic).map(([n]) => n);
  if (dynamic.length !== 1) {
    throw new OrchError(ErrorCode.STEP_FAILED, `Op "${path}" called emitDynamic without naming an output; its dynamic outputs: ${dynamic.join(", ") || "(none)"}.`);
  }
  return dynamic[0]!;
}

/** A dynamic output's type check: the declared check applied to every keyed value. */
function eachValue(check: TypeCheck): TypeCheck {
  return {
    kind: "orch.type",
    name: `${check.name} (each key)`,
    async check(value, context) {
      for (const [key, item] of value as [string, unknown][]) {
        const result = await check.check(item, context);
        if (!result.success) return { ...result, description: `key "${key}": ${result.description ?? "failed"}` };
      }
      return { success: true };
    },
  };
}
