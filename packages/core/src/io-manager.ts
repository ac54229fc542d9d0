import type { AssetKey } from "./asset-key.ts";
import type { StepLogger } from "./logger.ts";
import type { Metadata } from "./metadata.ts";
import type { PartitionsDefinition } from "./partitions/partitions-definition.ts";
import type { SerializerRegistry } from "./serializer.ts";
import type { TypeCheck } from "./type-check.ts";

export interface PartitionScope {
  /** The single partition a step targets. */
  readonly partitionKey?: string;
  /** Every partition a step targets or reads (a range run, or a mapped upstream range). */
  readonly partitionKeys?: readonly string[];
}

export interface OutputContext extends PartitionScope {
  readonly runId: string;
  readonly stepKey: string;
  readonly outputName: string;
  /** Set for asset outputs; op outputs have none. */
  readonly assetKey?: AssetKey;
  /** The asset's or op output's definition metadata (e.g. `format: "parquet"`). */
  readonly definitionMetadata: Metadata;
  /**
   * The output's declared runtime type (e.g. a dataframe schema), for IO managers that create tables from it.
   * Non-enumerable (it holds functions): absent when an executor copied the context to another thread.
   */
  readonly typeCheck?: TypeCheck;
  /** How the asset is partitioned, for IO managers that turn partition keys into predicates (non-enumerable too). */
  readonly partitions?: PartitionsDefinition;
  readonly log: StepLogger;
}

export interface InputContext extends PartitionScope {
  readonly runId: string;
  readonly stepKey: string;
  readonly inputName: string;
  /** The upstream asset being read, when the input is an asset. */
  readonly assetKey?: AssetKey;
  /** Where the value was written: the producing step and output, in this run or an earlier one. */
  readonly upstreamOutput: {
    readonly runId: string;
    readonly stepKey: string;
    readonly outputName: string;
    readonly assetKey?: AssetKey;
    readonly definitionMetadata: Metadata;
    /** How the upstream asset is partitioned (the keys above are its keys). */
    readonly partitions?: PartitionsDefinition;
  };
  /** The type the downstream input declares (its schema, else the upstream output's), so loaders return it. */
  readonly typeCheck?: TypeCheck;
  readonly log: StepLogger;
}

/**
 * Stores step outputs and loads them as downstream inputs. `handleOutput` must be all-or-nothing: a failure leaves
 * nothing under the key.
 */
export interface IOManager {
  handleOutput(context: OutputContext, value: unknown): Promise<Metadata | void>;
  loadInput(context: InputContext): Promise<unknown>;
  /** Whether an output exists, used by re-execution to reuse earlier results. */
  hasOutput?(context: OutputContext): Promise<boolean>;
  /**
   * Removes stored values for an asset (`orch asset wipe`). `asset` carries the asset output's definition metadata
   * when the caller has the definition (IO managers whose storage names come from metadata need it). Returns
   * `{ kept }` with the reason when it deliberately left the stored values in place.
   */
  deleteAsset?(assetKey: AssetKey, asset?: DeleteAssetContext): Promise<void | DeleteAssetResult>;
  teardown?(): void | Promise<void>;
}

export interface DeleteAssetContext {
  /** The definition metadata of the asset's output, as `OutputContext.definitionMetadata` has it. */
  readonly definitionMetadata: Metadata;
}

export interface DeleteAssetResult {
  /** Why the stored values were left in place (e.g. the warehouse built the table and owns it). */
  readonly kept: string;
}

export interface IOManagerFactoryContext {
  readonly serializers: SerializerRegistry;
  /** The project directory (for relative base paths). */
  readonly baseDir: string;
}
