import type { AssetKey } from "./asset-key.ts";
import type { ExecutableNode } from "./node.ts";
import type { PartitionRange } from "./run-record.ts";

/** One input of a planned step: where its value comes from. Plain data, so plans cross threads. */
export interface PlannedInput {
  readonly name: string;
  readonly assetKey?: AssetKey;
  /** The step in this plan that produces the value; absent when it is read from an earlier materialization. */
  readonly upstreamStepKey?: string;
  readonly upstreamNodeId: string;
  readonly upstreamOutputName: string;
  /** The run that produced the value when it comes from an earlier run (asset index, or re-execution's parent). */
  readonly upstreamRunId?: string;
  /** The one upstream partition to read, as a plain value (identity mappings). */
  readonly partitionKey?: string;
  /** Upstream partitions to read as a Map keyed by partition (every other mapping). */
  readonly partitionKeys?: readonly string[];
}

export interface PlannedStep {
  readonly key: string;
  readonly nodeId: string;
  readonly kind: ExecutableNode["nodeKind"];
  /** Steps that must finish successfully (with the outputs this step reads) before this one starts. */
  readonly deps: readonly string[];
  readonly inputs: readonly PlannedInput[];
  readonly selectedOutputs: readonly string[];
  readonly partitionKey?: string;
  readonly partitionKeys?: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly executionHint?: "main" | "any";
}

/** Steps in a dependency-respecting order, plus what the run targets. */
export interface ExecutionPlan {
  readonly steps: readonly PlannedStep[];
  readonly assetKeys: readonly string[];
  readonly partitionKey?: string;
  readonly partitionRange?: PartitionRange;
}
