import type { z } from "zod";
import type { AssetKey } from "./asset-key.ts";
import type { StepHook } from "./hooks.ts";
import type { StepLogger } from "./logger.ts";
import type { Metadata } from "./metadata.ts";
import type { PartitionsDefinition, TimeWindow } from "./partitions/partitions-definition.ts";
import type { RetryPolicy } from "./retry.ts";
import type { Severity, TypeCheck } from "./type-check.ts";

/**
 * The executable form every definition compiles to (asset, multi-asset, op, check, observation). The step runner
 * only knows nodes, so the step boundary is the same for all of them.
 */
export interface ExecutableNode {
  /** Unique in the definitions; the step key for unpartitioned steps. */
  readonly id: string;
  readonly nodeKind: "asset" | "multi_asset" | "op" | "asset_check" | "observable_source";
  readonly inputs: readonly NodeInput[];
  readonly outputs: readonly NodeOutput[];
  /** Ordering-only dependencies on assets. */
  readonly deps: readonly AssetKey[];
  readonly resources: readonly string[];
  readonly configSchema?: z.ZodType;
  readonly retry?: RetryPolicy;
  readonly hooks: readonly StepHook[];
  readonly tags: Readonly<Record<string, string>>;
  readonly partitions?: PartitionsDefinition;
  /**
   * How a run over a range of partitions executes this node: `per_partition` (default) plans one step per
   * partition; `single_run` plans one step that receives every key (and returns a Map keyed by partition).
   */
  readonly backfillPolicy?: "per_partition" | "single_run";
  /** `main` keeps the step on the main thread under thread executors. */
  readonly executionHint?: "main" | "any";
  /** Where the definition was declared, for messages. */
  readonly description?: string;
  invoke(context: NodeInvocation): Promise<NodeResult>;
}

export interface NodeInput {
  readonly name: string;
  /** The asset this input reads, or an op output in the same job. */
  readonly source: { readonly kind: "asset"; readonly assetKey: AssetKey } | { readonly kind: "node_output"; readonly nodeId: string; readonly outputName: string };
  readonly typeCheck?: TypeCheck;
  /** Opaque to the runner; interpreted by the planner for partitioned inputs. */
  readonly partitionMapping?: unknown;
}

export interface NodeOutput {
  readonly name: string;
  readonly assetKey?: AssetKey;
  readonly typeCheck?: TypeCheck;
  readonly ioManagerKey: string;
  /** An optional output may be left unset; its downstream steps are then skipped. */
  readonly optional?: boolean;
  readonly metadata: Metadata;
  readonly codeVersion?: string;
}

/** What every compute function receives, whatever kind of definition it belongs to. */
export interface StepContextBase<TConfig = unknown, TResources extends string = string> {
  readonly runId: string;
  readonly stepKey: string;
  readonly config: TConfig;
  readonly resources: Readonly<Record<TResources, any>>;
  readonly log: StepLogger;
  /** Aborts when the run is canceled; pass it to fetch, child processes and long loops. */
  readonly signal: AbortSignal;
  /** 1 on the first attempt, 2 on the first retry, ... */
  readonly attempt: number;
}

/** The partition a step targets (one key, or a range's keys), and its time window for time partitions. */
export interface PartitionedContext {
  readonly partitionKey?: string;
  readonly partitionKeys?: readonly string[];
  readonly timeWindow?: TimeWindow;
}

export interface NodeInvocation {
  readonly runId: string;
  readonly stepKey: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly config: unknown;
  readonly resources: Readonly<Record<string, unknown>>;
  readonly log: StepLogger;
  readonly signal: AbortSignal;
  readonly attempt: number;
  readonly partitionKey?: string;
  readonly partitionKeys?: readonly string[];
  readonly timeWindow?: TimeWindow;
  /** Names of outputs this step must produce (a subset for subsetted multi-assets). */
  readonly selectedOutputs: readonly string[];
}

export interface NodeOutputValue {
  readonly value: unknown;
  readonly metadata?: Record<string, unknown>;
  readonly dataVersion?: string;
}

export interface NodeResult {
  /** Output name → value; optional outputs may be missing. */
  readonly outputs: ReadonlyMap<string, NodeOutputValue>;
  /** Observations and check results the node produced alongside its outputs. */
  readonly observations?: readonly { readonly assetKey: AssetKey; readonly metadata?: Record<string, unknown>; readonly dataVersion?: string }[];
  readonly checkResults?: readonly CheckResult[];
  /**
   * The node partly failed (e.g. dbt: some models built, others errored). Outputs above are stored and recorded,
   * then the step fails with this error without retrying; downstream steps that read only stored outputs still run.
   */
  readonly failure?: unknown;
}

export interface CheckResult {
  readonly assetKey: AssetKey;
  readonly checkName: string;
  readonly passed: boolean;
  readonly severity: Severity;
  readonly blocking: boolean;
  readonly description?: string;
  readonly metadata?: Record<string, unknown>;
}
