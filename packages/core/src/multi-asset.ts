import type { z } from "zod";
import { assetKeyToString, toAssetKey, type AssetKeyInput } from "./asset-key.ts";
import { DEFAULT_IO_MANAGER_KEY, depKeys, toNodeInput, type AssetAttributes, type AssetDefinition, type AssetInsShape, type AssetInSpec, type AssetSpec, type AssetsDefinition, type InValues } from "./asset.ts";
import { ErrorCode, OrchError } from "./errors.ts";
import type { StepHook } from "./hooks.ts";
import { normalizeMetadata } from "./metadata.ts";
import type { CheckResult, ExecutableNode, NodeOutputValue, PartitionedContext, StepContextBase } from "./node.ts";
import { isOutput, outputCheckResults, type Output } from "./output.ts";
import type { PartitionsDefinition } from "./partitions/partitions-definition.ts";
import type { RetryPolicy } from "./retry.ts";
import type { TypeCheck } from "./type-check.ts";

export interface MultiAssetOut<T = unknown> extends AssetAttributes {
  codeVersion?: string;
  output?: TypeCheck<T>;
}

type OutValue<O> = O extends MultiAssetOut<infer T> ? T : unknown;
export type MultiAssetOutputs<TOuts> = { [K in keyof TOuts]?: OutValue<TOuts[K]> | Output<OutValue<TOuts[K]>> };

export interface MultiAssetContext<TIns, TConfig> extends StepContextBase<TConfig>, PartitionedContext {
  readonly ins: InValues<TIns>;
  /** Output names this run materializes: a subset when the multi-asset allows subsetting. */
  readonly selectedOutputs: readonly string[];
}

export interface MultiAssetOptions<TOuts extends Record<string, MultiAssetOut<any>>, TIns extends AssetInsShape, S> {
  /** The node's name: its step key. */
  name: string;
  outs: TOuts;
  ins?: TIns;
  deps?: readonly (AssetsDefinition | AssetKeyInput)[];
  /** Default group for outs that do not set one. */
  group?: string;
  config?: S;
  resources?: readonly string[];
  retry?: RetryPolicy;
  partitions?: PartitionsDefinition;
  backfillPolicy?: "per_partition" | "single_run";
  hooks?: readonly StepHook[];
  tags?: Record<string, string>;
  executionHint?: "main" | "any";
  /** Whether a run may materialize only some outs. Refused with a clear message unless true. */
  canSubset?: boolean;
  compute(context: MultiAssetContext<TIns, S extends z.ZodType ? z.output<S> : undefined>): MultiAssetOutputs<TOuts> | Promise<MultiAssetOutputs<TOuts>>;
}

export interface MultiAssetDefinition<TOuts> extends AssetsDefinition {
  readonly kind: "orch.multi_asset";
  readonly name: string;
  readonly node: ExecutableNode;
  /** One input handle per out: `ins: { shipped: split.outs.shipped }` types the downstream value. */
  readonly outs: { readonly [K in keyof TOuts]: AssetInSpec<OutValue<TOuts[K]>> };
}

/** One compute that produces several assets (e.g. a split, or a tool that writes many tables at once). */
export function multiAsset<const TOuts extends Record<string, MultiAssetOut<any>>, const TIns extends AssetInsShape = {}, S extends z.ZodType | undefined = undefined>(
  options: MultiAssetOptions<TOuts, TIns, S>,
): MultiAssetDefinition<TOuts> {
  const name = options.name;
  if (!name || !/^[A-Za-z0-9_.\-]+$/.test(name)) {
    throw new OrchError(ErrorCode.INVALID_DEFINITION, `Multi-asset name ${JSON.stringify(name)} must use letters, digits, "_", "-" and "." only.`);
  }
  const outNames = Object.keys(options.outs);
  if (outNames.length === 0) throw new OrchError(ErrorCode.INVALID_DEFINITION, `Multi-asset "${name}" needs at least one out.`);
  const inputs = Object.entries(options.ins ?? {}).map(([n, spec]) => toNodeInput(name, n, spec));
  const deps = depKeys(options.deps);
  const upstream = [...inputs.flatMap((i) => (i.source.kind === "asset" ? [i.source.assetKey] : [])), ...deps];
  const specs: AssetSpec[] = outNames.map((outName) => {
    const out = options.outs[outName]!;
    const key = toAssetKey(out.key);
    return {
      key,
      id: assetKeyToString(key),
      group: out.group ?? options.group ?? "default",
      ...(out.description !== undefined ? { description: out.description } : {}),
      tags: out.tags ?? {},
      owners: [...(out.owners ?? [])],
      kinds: [...(out.kinds ?? [])],
      ...(out.codeVersion !== undefined ? { codeVersion: out.codeVersion } : {}),
      metadata: out.metadata ?? {},
      ioManagerKey: out.ioManager ?? DEFAULT_IO_MANAGER_KEY,
      outputName: outName,
      upstream,
      ...(options.partitions ? { partitions: options.partitions } : {}),
    };
  });
  const compute = options.compute;
  const node: ExecutableNode = {
    id: name,
    nodeKind: "multi_asset",
    inputs,
    outputs: specs.map((spec, i) => {
      const out = options.outs[outNames[i]!]!;
      return {
        name: outNames[i]!,
        assetKey: spec.key,
        ioManagerKey: spec.ioManagerKey,
        metadata: normalizeMetadata(out.metadata),
        ...(out.output ? { typeCheck: out.output as TypeCheck } : {}),
        ...(out.codeVersion !== undefined ? { codeVersion: out.codeVersion } : {}),
      };
    }),
    deps,
    resources: [...(options.resources ?? [])],
    ...(options.config ? { configSchema: options.config as z.ZodType } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    hooks: [...(options.hooks ?? [])],
    tags: options.tags ?? {},
    ...(options.partitions ? { partitions: options.partitions } : {}),
    ...(options.backfillPolicy ? { backfillPolicy: options.backfillPolicy } : {}),
    ...(options.executionHint ? { executionHint: options.executionHint } : {}),
    async invoke(inv) {
      const returned = (await compute({
        runId: inv.runId,
        stepKey: inv.stepKey,
        ins: inv.inputs as never,
        config: inv.config as never,
        resources: inv.resources,
        log: inv.log,
        signal: inv.signal,
        attempt: inv.attempt,
        selectedOutputs: inv.selectedOutputs,
        ...(inv.partitionKey !== undefined ? { partitionKey: inv.partitionKey } : {}),
        ...(inv.partitionKeys !== undefined ? { partitionKeys: inv.partitionKeys } : {}),
        ...(inv.timeWindow !== undefined ? { timeWindow: inv.timeWindow } : {}),
      })) as Record<string, unknown> | undefined;
      if (typeof returned !== "object" || returned === null) {
        throw new OrchError(ErrorCode.STEP_FAILED, `Multi-asset "${name}" must return an object keyed by out name (${outNames.join(", ")}).`);
      }
      const unknown = Object.keys(returned).filter((k) => !outNames.includes(k));
      if (unknown.length) throw new OrchError(ErrorCode.STEP_FAILED, `Multi-asset "${name}" returned unknown outs ${unknown.join(", ")}; its outs are ${outNames.join(", ")}.`);
      const outputs = new Map<string, NodeOutputValue>();
      const checkResults: CheckResult[] = [];
      for (const outName of inv.selectedOutputs) {
        if (!(outName in returned)) continue;
        const value = returned[outName];
        if (isOutput(value)) checkResults.push(...outputCheckResults(specs[outNames.indexOf(outName)]!.key, value.checkResults));
        outputs.set(
          outName,
          isOutput(value)
            ? { value: value.value, ...(value.metadata ? { metadata: value.metadata } : {}), ...(value.dataVersion ? { dataVersion: value.dataVersion } : {}) }
            : { value },
        );
      }
      return checkResults.length ? { outputs, checkResults } : { outputs };
    },
  };
  const outs = Object.fromEntries(specs.map((spec, i) => [outNames[i]!, { asset: spec.key }]));
  return Object.freeze({ kind: "orch.multi_asset", name, node, specs, checks: [], canSubset: options.canSubset ?? false, outs }) as unknown as MultiAssetDefinition<TOuts>;
}
