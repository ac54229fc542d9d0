import type { z } from "zod";
import { assetKeyToString, toAssetKey, type AssetKey, type AssetKeyInput } from "./asset-key.ts";
import { ASSET_OUTPUT, isAssetDefinition, type AssetCheckSpec, type AssetDefinition } from "./asset.ts";
import { ErrorCode, OrchError } from "./errors.ts";
import type { StepLogger } from "./logger.ts";
import type { ExecutableNode } from "./node.ts";
import type { PartitionsDefinition } from "./partitions/partitions-definition.ts";
import type { Severity } from "./type-check.ts";

export interface AssetCheckResult {
  readonly passed: boolean;
  /** Overrides the check's declared severity for this evaluation. */
  readonly severity?: Severity;
  readonly description?: string;
  readonly metadata?: Record<string, unknown>;
}

export interface AssetCheckContext<T, TConfig> {
  readonly runId: string;
  readonly assetKey: AssetKey;
  /** The checked asset's value, loaded through its IO manager. */
  readonly value: T;
  readonly config: TConfig;
  readonly resources: Readonly<Record<string, any>>;
  readonly log: StepLogger;
  readonly signal: AbortSignal;
  readonly partitionKey?: string;
}

export interface AssetCheckOptions<T, S> {
  /** The asset checked: its definition (value typed) or its key. */
  asset: AssetDefinition<T> | AssetKeyInput;
  name: string;
  description?: string;
  /** `error` (default) or `warn`: how a failure counts. */
  severity?: Severity;
  /** A failing ERROR-severity blocking check stops the asset's downstream steps in the same run. */
  blocking?: boolean;
  resources?: readonly string[];
  config?: S;
  /** Set when the checked asset is partitioned, so the check runs per partition. */
  partitions?: PartitionsDefinition;
  check(context: AssetCheckContext<T, S extends z.ZodType ? z.output<S> : undefined>): AssetCheckResult | boolean | Promise<AssetCheckResult | boolean>;
}

export interface AssetCheckDefinition {
  readonly kind: "orch.asset_check";
  readonly spec: AssetCheckSpec;
  readonly node: ExecutableNode;
}

/** Step/node id of a check: `<asset>:<check name>`. */
export function checkNodeId(assetKey: AssetKey, name: string): string {
  return `${assetKeyToString(assetKey)}:${name}`;
}

/**
 * A named check on an asset, run as its own step after the asset (or on its own with `runChecks`). Its result is
 * an ASSET_CHECK_EVALUATION event, queryable per asset.
 */
export function assetCheck<T = unknown, S extends z.ZodType | undefined = undefined>(options: AssetCheckOptions<T, S>): AssetCheckDefinition {
  const assetKey = isAssetDefinition(options.asset) ? options.asset.key : toAssetKey(options.asset);
  if (!/^[A-Za-z0-9_\-]+$/.test(options.name ?? "")) {
    throw new OrchError(ErrorCode.INVALID_DEFINITION, `Check ${JSON.stringify(options.name)} on asset "${assetKeyToString(assetKey)}" needs a name of letters, digits, "_" and "-".`);
  }
  const severity = options.severity ?? "error";
  const blocking = options.blocking ?? false;
  const partitions = options.partitions ?? (isAssetDefinition(options.asset) ? options.asset.specs[0].partitions : undefined);
  const spec: AssetCheckSpec = { name: options.name, assetKey, blocking, ...(options.description !== undefined ? { description: options.description } : {}) };
  const check = options.check;
  const node: ExecutableNode = {
    id: checkNodeId(assetKey, options.name),
    nodeKind: "asset_check",
    inputs: [{ name: ASSET_OUTPUT, source: { kind: "asset", assetKey } }],
    outputs: [],
    deps: [],
    resources: [...(options.resources ?? [])],
    ...(options.config ? { configSchema: options.config as z.ZodType } : {}),
    hooks: [],
    tags: {},
    ...(partitions ? { partitions } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
    async invoke(inv) {
      const raw = await check({
        runId: inv.runId,
        assetKey,
        value: inv.inputs[ASSET_OUTPUT] as T,
        config: inv.config as never,
        resources: inv.resources,
        log: inv.log,
        signal: inv.signal,
        ...(inv.partitionKey !== undefined ? { partitionKey: inv.partitionKey } : {}),
      });
      const result: AssetCheckResult = typeof raw === "boolean" ? { passed: raw } : raw;
      return {
        outputs: new Map(),
        checkResults: [
          {
            assetKey,
            checkName: options.name,
            passed: result.passed,
            severity: result.severity ?? severity,
            blocking,
            ...(result.description !== undefined ? { description: result.description } : options.description !== undefined ? { description: options.description } : {}),
            ...(result.metadata ? { metadata: result.metadata } : {}),
          },
        ],
      };
    },
  };
  return Object.freeze({ kind: "orch.asset_check", spec, node });
}
