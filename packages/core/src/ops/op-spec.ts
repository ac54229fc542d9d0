import type { z } from "zod";
import type { StepHook } from "../hooks.ts";
import type { StepContextBase } from "../node.ts";
import type { RetryPolicy } from "../retry.ts";
import type { AnyOut, In, OpInValues } from "./ins-outs.ts";

/** What an op's `compute` receives. */
export interface OpContext<TIns = {}, TConfig = undefined, TResources extends string = string> extends StepContextBase<TConfig, TResources> {
  /** The op's path in its job (`outer.inner.load`). */
  readonly opPath: string;
  readonly ins: OpInValues<TIns>;
  /** For an op mapped over a dynamic output: the key this step runs for. */
  readonly mappingKey?: string;
  /** Adds one keyed value to a dynamic output (the op's only dynamic output unless `output` names one). */
  emitDynamic(key: string, value: unknown, output?: string): void;
}

/** The runtime description of an op, shared by every invocation of it (aliases included). */
export interface OpSpec {
  readonly name: string;
  readonly description?: string;
  readonly ins: Readonly<Record<string, In>>;
  readonly outs: Readonly<Record<string, AnyOut>>;
  /** True when `compute` returns its one output's value directly (no `outs`). */
  readonly single: boolean;
  /** True when neither `out` nor `outs` was declared: whatever compute returns (even `undefined`) is stored. */
  readonly implicitOutput: boolean;
  readonly configSchema?: z.ZodType;
  readonly resources: readonly string[];
  readonly retry?: RetryPolicy;
  readonly tags: Readonly<Record<string, string>>;
  readonly hooks: readonly StepHook[];
  readonly executionHint?: "main" | "any";
  compute(context: OpContext<any, any, any>): unknown;
}

/** The output of an op declared without `out`/`outs`. */
export const DEFAULT_OP_OUTPUT = "result";
