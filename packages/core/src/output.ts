import type { Metadata } from "./metadata.ts";

const OUTPUT = Symbol.for("orch.output");

/** A computed value with metadata (and optionally a data version) to record with its materialization. */
export interface Output<T> {
  readonly [OUTPUT]: true;
  readonly value: T;
  readonly metadata?: Record<string, unknown>;
  readonly dataVersion?: string;
}

/** Return `output(value, { metadata })` from `compute` to attach metadata to the materialization. */
export function output<T>(value: T, options: { metadata?: Record<string, unknown>; dataVersion?: string } = {}): Output<T> {
  return { [OUTPUT]: true, value, ...options };
}

export function isOutput(value: unknown): value is Output<unknown> {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[OUTPUT] === true;
}

export type { Metadata };
