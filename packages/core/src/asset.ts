import type { z } from "zod";
import { assetKeyToString, toAssetKey, type AssetKey, type AssetKeyInput } from "./asset-key.ts";
import { ErrorCode, OrchError } from "./errors.ts";
import type { StepHook } from "./hooks.ts";
import { normalizeMetadata } from "./metadata.ts";
import type { ExecutableNode, NodeInput, NodeInvocation, NodeResult, PartitionedContext, StepContextBase } from "./node.ts";
import { isOutput, outputCheckResults, type Output } from "./output.ts";
import type { PartitionsDefinition } from "./partitions/partitions-definition.ts";
import type { RetryPolicy } from "./retry.ts";
import type { TypeCheck } from "./type-check.ts";
import type { ExternalAssetDefinition } from "./external-asset.ts";

export const DEFAULT_IO_MANAGER_KEY = "io";
export const ASSET_OUTPUT = "result";

/** The descriptive attributes every way of declaring an asset accepts. */
export interface AssetAttributes {
  key: AssetKeyInput;
  group?: string;
  description?: string;
  tags?: Record<string, string>;
  owners?: readonly string[];
  /** Storage or compute kinds (`sql`, `polars`, `snowflake`), selectable with `kind:`. */
  kinds?: readonly string[];
  metadata?: Record<string, unknown>;
  /** How the value is stored and loaded. Default `io`. */
  ioManager?: string;
}

/** What the graph knows about one asset key, whoever produces it. */
export interface AssetSpec {
  readonly key: AssetKey;
  /** `a/b` */
  readonly id: string;
  readonly group: string;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly owners: readonly string[];
  readonly kinds: readonly string[];
  readonly codeVersion?: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly ioManagerKey: string;
  /** The node output that carries this asset (absent for external assets). */
  readonly outputName?: string;
  /** Upstream asset keys: data inputs and ordering-only deps. */
  readonly upstream: readonly AssetKey[];
  readonly partitions?: PartitionsDefinition;
  /** Declared and observed, never materialized by orch. */
  readonly external?: boolean;
}

/** A check attached to an asset (run in the asset's step, or as its own step). */
export interface AssetCheckSpec {
  readonly name: string;
  readonly assetKey: AssetKey;
  readonly blocking: boolean;
  readonly description?: string;
}

/**
 * Anything that puts assets in the graph: one asset, a multi-asset, dbt models, external assets. The graph reads
 * `specs`; the planner runs `node` (absent for external assets that have no observe function).
 */
export interface AssetsDefinition {
  readonly specs: readonly AssetSpec[];
  readonly node?: ExecutableNode;
  readonly checks?: readonly AssetCheckSpec[];
  /** Whether a run may materialize only some of `specs` (dbt: yes; a multi-asset only if it says so). */
  readonly canSubset?: boolean;
}

/** An asset as a value: pass it in `ins` of another asset and its output type flows along. */
export interface AssetDefinition<TOut = unknown> extends AssetsDefinition, AssetSpec {
  readonly kind: "orch.asset";
  readonly node: ExecutableNode;
  readonly specs: readonly [AssetSpec];
  /** Phantom: the value type downstream `ins` receive. */
  readonly __out?: TOut;
}

/** An input written as `{ asset, schema }` to check the loaded value, or as an asset key. */
export interface AssetInSpec<T = unknown> {
  readonly asset: AssetDefinition<T> | AssetKeyInput;
  readonly schema?: TypeCheck<T>;
  readonly partitionMapping?: unknown;
}

export type AssetIn = AssetDefinition<any> | ExternalAssetDefinition<any> | AssetInSpec<any> | AssetKeyInput;
export type AssetInsShape = Record<string, AssetIn>;

/** The value type of one input: the schema's type, else the upstream's output type. */
export type InValue<I> =
  I extends AssetDefinition<infer T>
    ? T
    : I extends ExternalAssetDefinition<infer T>
      ? T
      : I extends { readonly schema: TypeCheck<infer T> }
      ? T
      : I extends { readonly asset: AssetDefinition<infer T> }
        ? T
        : unknown;

export type InValues<TIns> = { readonly [K in keyof TIns]: InValue<TIns[K]> };

type ConfigOf<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface AssetContext<TIns = {}, TConfig = undefined, TResources extends string = string>
  extends StepContextBase<TConfig, TResources>,
    PartitionedContext {
  readonly assetKey: AssetKey;
  readonly ins: InValues<TIns>;
}

export interface AssetOptions<TIns extends AssetInsShape, TOut, S, TResources extends string> extends AssetAttributes {
  ins?: TIns;
  /** Upstream assets this one waits for without reading their values. */
  deps?: readonly (AssetsDefinition | AssetKeyInput)[];
  codeVersion?: string;
  /** A zod schema for this asset's run config, validated before the run starts. */
  config?: S;
  resources?: readonly TResources[];
  retry?: RetryPolicy;
  /** A runtime type for the output (e.g. a dataframe schema), checked before the value is stored. */
  output?: TypeCheck<NoInfer<TOut>>;
  partitions?: PartitionsDefinition;
  /** For range runs: one step per partition (default) or one step for the whole range. */
  backfillPolicy?: "per_partition" | "single_run";
  hooks?: readonly StepHook[];
  executionHint?: "main" | "any";
  compute(context: AssetContext<TIns, ConfigOf<S>, TResources>): TOut | Output<TOut> | Promise<TOut | Output<TOut>>;
}

/** Declares a software-defined asset: a key plus the function that computes it from its upstream assets. */
export function asset<const TIns extends AssetInsShape = {}, TOut = unknown, S extends z.ZodType | undefined = undefined, TResources extends string = never>(
  options: AssetOptions<TIns, TOut, S, TResources>,
): AssetDefinition<TOut> {
  const key = toAssetKey(options.key);
  const id = assetKeyToString(key);
  if (typeof options.compute !== "function") {
    throw new OrchError(ErrorCode.INVALID_DEFINITION, `Asset "${id}" needs a compute function.`);
  }
  const inputs: NodeInput[] = Object.entries(options.ins ?? {}).map(([name, spec]) => toNodeInput(id, name, spec));
  const deps = depKeys(options.deps);
  const ioManagerKey = options.ioManager ?? DEFAULT_IO_MANAGER_KEY;
  const metadata = options.metadata ?? {};
  const tags = options.tags ?? {};
  const compute = options.compute;

  // Fixed object shapes (optional members set to undefined rather than spread in): 10,000 assets build fast.
  const node: ExecutableNode = {
    id,
    nodeKind: "asset",
    inputs,
    outputs: [
      {
        name: ASSET_OUTPUT,
        assetKey: key,
        ioManagerKey,
        metadata: normalizeMetadata(metadata),
        typeCheck: options.output as TypeCheck | undefined,
        codeVersion: options.codeVersion,
      },
    ],
    deps,
    resources: options.resources ? [...options.resources] : [],
    configSchema: options.config as z.ZodType | undefined,
    retry: options.retry,
    hooks: options.hooks ? [...options.hooks] : [],
    tags,
    partitions: options.partitions,
    backfillPolicy: options.backfillPolicy,
    executionHint: options.executionHint,
    description: options.description,
    async invoke(inv: NodeInvocation): Promise<NodeResult> {
      const returned: unknown = await compute(assetContext(key, inv) as never);
      if (!isOutput(returned)) return { outputs: new Map([[ASSET_OUTPUT, { value: returned }]]) };
      const result = { value: returned.value, metadata: returned.metadata, dataVersion: returned.dataVersion };
      const outputs = new Map([[ASSET_OUTPUT, result]]);
      return returned.checkResults?.length ? { outputs, checkResults: outputCheckResults(key, returned.checkResults) } : { outputs };
    },
  };

  const upstream: AssetKey[] = inputs.map((i) => (i.source.kind === "asset" ? i.source.assetKey : key));
  for (const dep of deps) upstream.push(dep);
  const spec: AssetSpec = {
    key,
    id,
    group: options.group ?? "default",
    description: options.description,
    tags,
    owners: options.owners ? [...options.owners] : [],
    kinds: options.kinds ? [...options.kinds] : [],
    codeVersion: options.codeVersion,
    metadata,
    ioManagerKey,
    outputName: ASSET_OUTPUT,
    upstream,
    partitions: options.partitions,
  };
  const definition: AssetDefinition<TOut> = {
    ...spec,
    kind: "orch.asset",
    node,
    specs: [spec],
    checks: [],
    canSubset: false,
  };
  return definition;
}

function assetContext(assetKey: AssetKey, inv: NodeInvocation): AssetContext<Record<string, unknown>, unknown, string> {
  return {
    runId: inv.runId,
    stepKey: inv.stepKey,
    assetKey,
    ins: inv.inputs,
    config: inv.config,
    resources: inv.resources,
    log: inv.log,
    signal: inv.signal,
    attempt: inv.attempt,
    ...(inv.partitionKey !== undefined ? { partitionKey: inv.partitionKey } : {}),
    ...(inv.partitionKeys !== undefined ? { partitionKeys: inv.partitionKeys } : {}),
    ...(inv.timeWindow !== undefined ? { timeWindow: inv.timeWindow } : {}),
  };
}

export function toNodeInput(assetId: string, name: string, spec: AssetIn): NodeInput {
  if (isAssetDefinition(spec) || (spec as ExternalAssetDefinition).kind === "orch.external_asset") {
    return { name, source: { kind: "asset", assetKey: (spec as AssetDefinition | ExternalAssetDefinition).key } };
  }
  if (typeof spec === "string" || Array.isArray(spec)) return { name, source: { kind: "asset", assetKey: toAssetKey(spec as AssetKeyInput) } };
  if (typeof spec === "object" && spec !== null && "asset" in spec) {
    const upstream = spec.asset;
    const assetKey = isAssetDefinition(upstream) ? upstream.key : toAssetKey(upstream);
    return {
      name,
      source: { kind: "asset", assetKey },
      ...(spec.schema ? { typeCheck: spec.schema as TypeCheck } : {}),
      ...(spec.partitionMapping !== undefined ? { partitionMapping: spec.partitionMapping } : {}),
    };
  }
  throw new OrchError(ErrorCode.INVALID_DEFINITION, `Asset "${assetId}" input "${name}" must be an asset, an asset key, or { asset, schema }.`);
}

export function isAssetDefinition(value: unknown): value is AssetDefinition<any> {
  return typeof value === "object" && value !== null && (value as AssetDefinition).kind === "orch.asset";
}

/** Keys of ordering-only dependencies: an asset, every asset of a multi-asset, or a key. */
export function depKeys(deps: readonly (AssetsDefinition | AssetKeyInput)[] | undefined): AssetKey[] {
  return (deps ?? []).flatMap((d) => (typeof d === "object" && d !== null && "specs" in d ? d.specs.map((s) => s.key) : [toAssetKey(d as AssetKeyInput)]));
}
