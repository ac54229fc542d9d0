import type { z } from "zod";
import { ErrorCode, OrchError } from "../errors.ts";
import type { StepHook } from "../hooks.ts";
import type { Output } from "../output.ts";
import type { RetryPolicy } from "../retry.ts";
import { didYouMean } from "../suggest.ts";
import { currentRecorder, sameScope, type InputWire } from "./graph-recorder.ts";
import { dynamicHandle, isDynamicHandle, isOutputHandle, outputHandle, type DynamicHandle, type OutputHandle } from "./handles.ts";
import { Out, OP_NAME, type AnyOut, type DynamicOut, type In, type InsShape, type OutsShape, type OutsValues, type OutValue } from "./ins-outs.ts";
import { DEFAULT_OP_OUTPUT, type OpContext, type OpSpec } from "./op-spec.ts";

type ConfigOf<S> = S extends z.ZodType ? z.output<S> : undefined;
type MaybePromise<T> = T | Promise<T>;

/** Handles an op accepts by input name; the handle's value type must match the input's. */
export type InHandles<TIns> = { readonly [K in keyof TIns]?: OutputHandle<TIns[K] extends In<infer T> ? T : never> };

export type HandleOf<O> = O extends DynamicOut<infer T> ? DynamicHandle<T> : O extends Out<infer T, any> ? OutputHandle<T> : never;
export type OutsHandles<TOuts> = { readonly [K in keyof TOuts]: HandleOf<TOuts[K]> };

/** An op: call it inside a job or graph builder to add a step; its handles wire the edges. */
export interface OpDefinition<TIns = any, TResult = any> {
  (inputs?: InHandles<TIns>): TResult;
  (...handles: readonly OutputHandle<any>[]): TResult;
  readonly kind: "orch.op";
  readonly name: string;
  readonly spec: OpSpec;
  /** The same op under another name, to invoke it more than once in a job. */
  alias(name: string): OpDefinition<TIns, TResult>;
}

interface OpBaseOptions<TIns, S, R extends string> {
  name: string;
  description?: string;
  ins?: TIns;
  /** A zod schema for this op's run config (`ops: { <op path>: { config } }`), validated before the run starts. */
  config?: S;
  resources?: readonly R[];
  retry?: RetryPolicy;
  tags?: Record<string, string>;
  hooks?: readonly StepHook[];
  executionHint?: "main" | "any";
}

type Ctx<TIns, S, R extends string> = OpContext<TIns, ConfigOf<S>, R>;

/**
 * Declares an op: a unit of computation with typed inputs and outputs, wired into jobs by calling it. Without
 * `outs` it returns its one output's value (`out` declares that output); with `outs` it returns an object keyed by
 * output name, where optional and dynamic outputs may be missing.
 */
export function op<const TIns extends InsShape = {}, const TOuts extends OutsShape = OutsShape, S extends z.ZodType | undefined = undefined, R extends string = never>(
  options: OpBaseOptions<TIns, S, R> & { outs: TOuts; compute(context: Ctx<TIns, S, R>): MaybePromise<OutsValues<TOuts> | void> },
): OpDefinition<TIns, OutsHandles<TOuts>>;
export function op<const TIns extends InsShape = {}, TO extends AnyOut = AnyOut, S extends z.ZodType | undefined = undefined, R extends string = never>(
  options: OpBaseOptions<TIns, S, R> & { out: TO; compute(context: Ctx<TIns, S, R>): MaybePromise<OutValue<TO> | Output<OutValue<TO>>> },
): OpDefinition<TIns, HandleOf<TO>>;
export function op<const TIns extends InsShape = {}, TOut = unknown, S extends z.ZodType | undefined = undefined, R extends string = never>(
  options: OpBaseOptions<TIns, S, R> & { compute(context: Ctx<TIns, S, R>): MaybePromise<TOut | Output<TOut>> },
): OpDefinition<TIns, OutputHandle<TOut>>;
export function op(options: OpBaseOptions<InsShape, unknown, string> & { out?: AnyOut; outs?: OutsShape; compute(context: OpContext): unknown }): OpDefinition {
  const name = options.name;
  checkName(name, "Op");
  if (typeof options.compute !== "function") throw new OrchError(ErrorCode.INVALID_DEFINITION, `Op "${name}" needs a compute function.`);
  if (options.out && options.outs) throw new OrchError(ErrorCode.INVALID_DEFINITION, `Op "${name}" declares both out and outs; use out for one output, outs for several.`);
  for (const output of Object.keys(options.outs ?? {})) checkName(output, `Output of op "${name}"`);
  const spec: OpSpec = {
    name,
    ...(options.description !== undefined ? { description: options.description } : {}),
    ins: { ...(options.ins ?? {}) },
    outs: options.outs ? { ...options.outs } : { [DEFAULT_OP_OUTPUT]: options.out ?? Out() },
    single: !options.outs,
    implicitOutput: !options.outs && !options.out,
    ...(options.config ? { configSchema: options.config as z.ZodType } : {}),
    resources: [...(options.resources ?? [])],
    ...(options.retry ? { retry: options.retry } : {}),
    tags: { ...(options.tags ?? {}) },
    hooks: [...(options.hooks ?? [])],
    ...(options.executionHint ? { executionHint: options.executionHint } : {}),
    compute: options.compute,
  };
  return opDefinition(spec, name);
}

export function isOpDefinition(value: unknown): value is OpDefinition {
  return typeof value === "function" && (value as OpDefinition).kind === "orch.op";
}

function opDefinition(spec: OpSpec, alias: string): OpDefinition {
  const invoke = (...args: unknown[]) => invokeOp(spec, alias, args);
  return Object.defineProperties(invoke, {
    kind: { value: "orch.op", enumerable: true },
    name: { value: alias, enumerable: true },
    spec: { value: spec, enumerable: true },
    alias: {
      value: (next: string) => {
        checkName(next, `Alias of op "${spec.name}"`);
        return opDefinition(spec, next);
      },
    },
  }) as unknown as OpDefinition;
}

/** One call inside a builder: records the invocation and returns handles to its outputs. */
function invokeOp(spec: OpSpec, alias: string, args: readonly unknown[]): unknown {
  const recorder = currentRecorder(`Op "${alias}"`);
  const path = recorder.pathOf(alias);
  const given = namedArgs(spec, path, args);
  const inputs = new Map<string, InputWire>();
  for (const [input, handle] of Object.entries(given)) {
    if (handle === undefined) continue;
    if (!(input in spec.ins)) {
      throw new OrchError(
        ErrorCode.INVALID_DEFINITION,
        `Op "${path}" has no input "${input}". Inputs: ${Object.keys(spec.ins).join(", ") || "(none)"}.${didYouMean(input, Object.keys(spec.ins))}`,
        { details: { op: path, input } },
      );
    }
    if (isDynamicHandle(handle)) {
      throw new OrchError(
        ErrorCode.INVALID_DEFINITION,
        `Input "${input}" of op "${path}" is given the dynamic output "${handle.from}.${handle.output}"; use .map(...) to run per key or .collect() for a list.`,
      );
    }
    if (!isOutputHandle(handle)) {
      throw new OrchError(ErrorCode.INVALID_DEFINITION, `Input "${input}" of op "${path}" must be given another op's output inside the builder, not a ${typeof handle}.`);
    }
    if (handle.scope && !sameScope(handle.scope, recorder.scope)) {
      throw new OrchError(
        ErrorCode.INVALID_DEFINITION,
        `Input "${input}" of op "${path}" reads "${handle.from}.${handle.output}", which exists once per key of "${handle.scope.source}.${handle.scope.output}"; use it inside that .map() or call .collect().`,
      );
    }
    inputs.set(input, { kind: handle.wire, from: handle.from, output: handle.output });
  }
  const scope = recorder.scope;
  recorder.add({ path, op: spec, inputs, ...(scope ? { mapping: scope } : {}) });

  const handleFor = (output: string, out: AnyOut) => {
    if (!out.dynamic) return outputHandle(path, output, "value", scope);
    if (scope) throw new OrchError(ErrorCode.INVALID_DEFINITION, `Op "${path}" has a dynamic output but runs inside a .map(); nested dynamic mapping is not supported.`);
    return dynamicHandle(path, output);
  };
  if (spec.single) return handleFor(DEFAULT_OP_OUTPUT, spec.outs[DEFAULT_OP_OUTPUT]!);
  return Object.freeze(Object.fromEntries(Object.entries(spec.outs).map(([output, out]) => [output, handleFor(output, out)])));
}

/** `op(a, b)` binds handles to inputs in declaration order; `op({ x: a })` by name. */
function namedArgs(spec: OpSpec, path: string, args: readonly unknown[]): Record<string, unknown> {
  if (args.length === 1 && typeof args[0] === "object" && args[0] !== null && !isOutputHandle(args[0]) && !isDynamicHandle(args[0])) {
    return args[0] as Record<string, unknown>;
  }
  const names = Object.keys(spec.ins);
  if (args.length > names.length) {
    throw new OrchError(ErrorCode.INVALID_DEFINITION, `Op "${path}" takes ${names.length} input${names.length === 1 ? "" : "s"} (${names.join(", ") || "none"}) but was given ${args.length}.`);
  }
  return Object.fromEntries(args.map((arg, i) => [names[i]!, arg]));
}

export function checkName(name: unknown, what: string): void {
  if (typeof name !== "string" || !OP_NAME.test(name)) {
    throw new OrchError(ErrorCode.INVALID_DEFINITION, `${what} name ${JSON.stringify(name)} is not valid: use letters, digits and underscores.`);
  }
}
