import { toAssetKey, type AssetKey, type AssetKeyInput } from "./asset-key.ts";
import type { Metadata } from "./metadata.ts";
import type { CheckResult } from "./node.ts";
import type { Severity } from "./type-check.ts";

const OUTPUT = Symbol.for("orch.output");

/** A check evaluated while computing the asset (e.g. reported by an external process through Pipes). */
export interface OutputCheckResult {
  readonly checkName: string;
  readonly passed: boolean;
  /** Default: the asset the output belongs to. */
  readonly assetKey?: AssetKeyInput;
  /** Default `error`. */
  readonly severity?: Severity;
  /** Default false. */
  readonly blocking?: boolean;
  readonly description?: string;
  readonly metadata?: Record<string, unknown>;
}

/** A computed value with metadata (and optionally a data version) to record with its materialization. */
export interface Output<T> {
  readonly [OUTPUT]: true;
  readonly value: T;
  readonly metadata?: Record<string, unknown>;
  readonly dataVersion?: string;
  /** Recorded as ASSET_CHECK_EVALUATION events of the same step, after the materialization. */
  readonly checkResults?: readonly OutputCheckResult[];
}

/** Return `output(value, { metadata })` from `compute` to attach metadata to the materialization. */
export function output<T>(
  value: T,
  options: { metadata?: Record<string, unknown>; dataVersion?: string; checkResults?: readonly OutputCheckResult[] } = {},
): Output<T> {
  return { [OUTPUT]: true, value, ...options };
}

export function isOutput(value: unknown): value is Output<unknown> {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[OUTPUT] === true;
}

/** The step runner's form of an output's check results, keyed to the output's asset unless they name another. */
export function outputCheckResults(assetKey: AssetKey, results: readonly OutputCheckResult[] | undefined): CheckResult[] {
  return (results ?? []).map((r) => ({
    assetKey: r.assetKey === undefined ? assetKey : toAssetKey(r.assetKey),
    checkName: r.checkName,
    passed: r.passed,
    severity: r.severity ?? "error",
    blocking: r.blocking ?? false,
    ...(r.description !== undefined ? { description: r.description } : {}),
    ...(r.metadata ? { metadata: r.metadata } : {}),
  }));
}

export type { Metadata };
