// `frame({...}, options)`: a frame schema that is also an orch TypeCheck, so it can be an asset's `output` or an
// input's `schema`.
import type pl from "nodejs-polars";
import type { Severity, TypeCheck, TypeCheckContext, TypeCheckResult } from "@orch/core";
import type { Column } from "./column.ts";
import type { FrameLike } from "./frame-like.ts";
import type { StatsMode } from "./plan.ts";
import { checkValue } from "./type-check.ts";
import { validate, type ValidateOptions, type ValidationReport } from "./validate.ts";

export type Columns = Record<string, Column<unknown, boolean, boolean>>;

export interface FrameCheck {
  readonly name: string;
  /** A boolean Polars expression over the frame's columns, true for valid rows. */
  readonly check: pl.Expr;
  readonly severity?: Severity;
}

export interface FrameOptions {
  /** Shown in events and messages. Default: `frame(col1, col2, …)`. */
  readonly name?: string;
  /** Column sets whose combined values must be unique. */
  readonly uniqueTogether?: readonly (readonly string[])[];
  readonly rows?: { readonly min?: number; readonly max?: number };
  /** Refuse columns the schema does not declare. Default false. */
  readonly strict?: boolean;
  /** Declared columns must appear in declared order. Default false. */
  readonly ordered?: boolean;
  readonly checks?: readonly FrameCheck[];
  /** How failures are treated unless a check says otherwise: `error` fails the step, `warn` records. Default `error`. */
  readonly severity?: Severity;
  /** Cast columns to their declared dtype when they differ, failing where a cast would lose data. Default false. */
  readonly coerce?: boolean;
  /**
   * Column statistics in the report: `full` (null count, min, max, exact distinct count; the default), `basic`
   * (no distinct count, the costliest part on high-cardinality columns) or `none`.
   */
  readonly stats?: StatsMode;
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type OptionalKeys<C extends Columns> = { [K in keyof C]: C[K] extends Column<unknown, boolean, true> ? K : never }[keyof C];
type ValueOf<C> = C extends Column<infer T, infer N, boolean> ? (N extends true ? T | null : T) : never;

/** The row type of a frame schema. */
export type Infer<S> = S extends FrameSchema<infer C>
  ? Simplify<
      { -readonly [K in Exclude<keyof C, OptionalKeys<C>>]: ValueOf<C[K]> } & { -readonly [K in OptionalKeys<C>]?: ValueOf<C[K]> }
    >
  : never;

export class FrameSchema<C extends Columns = Columns> implements TypeCheck<FrameLike> {
  readonly kind = "orch.type" as const;
  readonly name: string;
  readonly columns: C;
  readonly options: FrameOptions;
  declare readonly __value?: FrameLike;

  constructor(columns: C, options: FrameOptions = {}) {
    this.columns = columns;
    this.options = options;
    this.name = options.name ?? `frame(${Object.keys(columns).join(", ")})`;
  }

  /** Runs every check in one pass and reports all failures. */
  validate(value: FrameLike, options: ValidateOptions = {}): Promise<ValidationReport> {
    return validate(this, value, options);
  }

  check(value: unknown, context: TypeCheckContext): Promise<TypeCheckResult> {
    return checkValue(this, value, context);
  }

  /** A copy with other options (e.g. `.with({ coerce: true })`). */
  with(options: FrameOptions): FrameSchema<C> {
    return new FrameSchema(this.columns, { ...this.options, ...options });
  }
}

export function frame<const C extends Columns>(columns: C, options: FrameOptions = {}): FrameSchema<C> {
  return new FrameSchema(columns, options);
}
