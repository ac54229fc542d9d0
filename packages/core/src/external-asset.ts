import { assetKeyToString, toAssetKey, type AssetKeyInput } from "./asset-key.ts";
import { DEFAULT_IO_MANAGER_KEY, type AssetAttributes, type AssetSpec, type AssetsDefinition } from "./asset.ts";
import type { StepLogger } from "./logger.ts";
import type { ExecutableNode } from "./node.ts";
import type { PartitionsDefinition } from "./partitions/partitions-definition.ts";

export interface ObserveContext {
  readonly runId: string;
  readonly assetKey: readonly string[];
  readonly resources: Readonly<Record<string, any>>;
  readonly log: StepLogger;
  readonly signal: AbortSignal;
  readonly partitionKey?: string;
}

export interface ObserveResult {
  readonly metadata?: Record<string, unknown>;
  /** Changes whenever the data changes (a row count, a file hash, a max(updated_at)). */
  readonly dataVersion?: string;
}

export interface ExternalAssetOptions extends AssetAttributes {
  partitions?: PartitionsDefinition;
  resources?: readonly string[];
  /** Records an observation (metadata and a data version). Without it the asset is only declared. */
  observe?(context: ObserveContext): ObserveResult | Promise<ObserveResult>;
}

export interface ExternalAssetDefinition<T = unknown> extends AssetsDefinition {
  readonly kind: "orch.external_asset";
  readonly key: readonly string[];
  readonly id: string;
  /** Phantom for downstream `ins` typing: `externalAsset<Row[]>({...})`. */
  readonly __out?: T;
}

/**
 * A source asset: produced outside orch (a vendor drop, a table another team loads). orch never materializes it;
 * `observe()` records observations, and downstream assets read it through its IO manager.
 */
export function externalAsset<T = unknown>(options: ExternalAssetOptions): ExternalAssetDefinition<T> {
  const key = toAssetKey(options.key);
  const id = assetKeyToString(key);
  const spec: AssetSpec = {
    key,
    id,
    group: options.group ?? "default",
    ...(options.description !== undefined ? { description: options.description } : {}),
    tags: options.tags ?? {},
    owners: [...(options.owners ?? [])],
    kinds: [...(options.kinds ?? [])],
    metadata: options.metadata ?? {},
    ioManagerKey: options.ioManager ?? DEFAULT_IO_MANAGER_KEY,
    upstream: [],
    external: true,
    ...(options.partitions ? { partitions: options.partitions } : {}),
  };
  const observe = options.observe;
  const node: ExecutableNode | undefined = observe && {
    id: `${id}:observe`,
    nodeKind: "observable_source",
    inputs: [],
    outputs: [],
    deps: [],
    resources: [...(options.resources ?? [])],
    hooks: [],
    tags: options.tags ?? {},
    ...(options.partitions ? { partitions: options.partitions } : {}),
    async invoke(inv) {
      const result = await observe({
        runId: inv.runId,
        assetKey: key,
        resources: inv.resources,
        log: inv.log,
        signal: inv.signal,
        ...(inv.partitionKey !== undefined ? { partitionKey: inv.partitionKey } : {}),
      });
      return {
        outputs: new Map(),
        observations: [{ assetKey: key, ...(result?.metadata ? { metadata: result.metadata } : {}), ...(result?.dataVersion !== undefined ? { dataVersion: result.dataVersion } : {}) }],
      };
    },
  };
  return Object.freeze({ kind: "orch.external_asset", key, id, specs: [spec], ...(node ? { node } : {}), checks: [] }) as ExternalAssetDefinition<T>;
}
