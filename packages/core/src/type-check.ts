import type { Metadata } from "./metadata.ts";

export type Severity = "error" | "warn";

export interface TypeCheckContext {
  readonly runId: string;
  readonly stepKey: string;
  /** `asset a/b`, `op x output y`, `input orders of daily_revenue`: names the thing in messages. */
  readonly subject: string;
  readonly direction: "input" | "output";
}

export interface TypeCheckResult {
  readonly success: boolean;
  /** How a failure is treated: `error` fails the step, `warn` records it and continues. Default `error`. */
  readonly severity?: Severity;
  /** A human-readable account, e.g. a small table of failing checks. */
  readonly description?: string;
  readonly metadata?: Metadata;
  /** A replacement value (e.g. after opt-in coercion); the step continues with it. */
  readonly value?: unknown;
}

/**
 * A runtime type for step inputs and outputs, checked at the step boundary: dataframe schemas implement this.
 * `T` is the TypeScript type of values that pass; it flows into `compute`'s return type and downstream `ins`.
 */
export interface TypeCheck<T = unknown> {
  readonly kind: "orch.type";
  /** Shown in events and errors. */
  readonly name: string;
  check(value: unknown, context: TypeCheckContext): TypeCheckResult | Promise<TypeCheckResult>;
  /**
   * Phantom member carrying `T`; never called. Method syntax keeps it bivariant, so a schema for a union of
   * frame types can check an asset whose compute returns one of them.
   */
  __accepts?(value: T): void;
}

export type TypeOf<C> = C extends TypeCheck<infer T> ? T : never;

export function isTypeCheck(value: unknown): value is TypeCheck {
  return typeof value === "object" && value !== null && (value as TypeCheck).kind === "orch.type";
}

/** A type check from a predicate, for plain values: `defineType("PositiveNumber", (v) => typeof v === "number" && v > 0)`. */
export function defineType<T>(name: string, predicate: (value: unknown) => boolean, description?: string): TypeCheck<T> {
  return {
    kind: "orch.type",
    name,
    check: (value) =>
      predicate(value) ? { success: true } : { success: false, description: description ?? `Value is not a ${name}.` },
  };
}
