import { assetKeyToString } from "../asset-key.ts";
import type { Definitions } from "../definitions.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import type { ExecutableNode } from "../node.ts";
import type { ExecutionPlan, PlannedInput, PlannedStep } from "../plan.ts";
import { checkMappingCompatible } from "../partitions/check-mapping.ts";
import { keysInRange, validatePartitionKey } from "../partitions/key-ranges.ts";
import type { PartitionsContext } from "../partitions/partitions-definition.ts";
import type { PartitionRange } from "../run-record.ts";

export interface PartitionPlanOptions {
  readonly partitionKey?: string;
  readonly partitionRange?: PartitionRange;
  readonly context: PartitionsContext;
}

/** Whether a plan needs partition planning at all (a partitioned step or a partitioned upstream). */
export function needsPartitionPlanning(definitions: Definitions, plan: ExecutionPlan): boolean {
  const graph = definitions.graph;
  return plan.steps.some((step) => {
    const node = graph.nodes.get(step.nodeId)!;
    return node.partitions !== undefined || step.inputs.some((i) => i.assetKey && graph.spec(assetKeyToString(i.assetKey)).partitions);
  });
}

/**
 * Gives partitioned steps their partition (or, for a range, one step per partition unless the node runs a
 * range in a single step), and every input from a partitioned asset the upstream partitions it reads through
 * its partition mapping. Unknown keys and missing partition choices are refused before the run exists.
 */
export async function applyPartitions(definitions: Definitions, plan: ExecutionPlan, options: PartitionPlanOptions): Promise<ExecutionPlan> {
  const graph = definitions.graph;
  const nodeOf = (step: PlannedStep) => graph.nodes.get(step.nodeId)!;
  const partitioned = plan.steps.filter((s) => nodeOf(s).partitions);
  const { partitionKey, partitionRange, context } = options;
  if (partitionKey !== undefined && partitionRange !== undefined) {
    throw new OrchError(ErrorCode.INVALID_PARTITION, "Choose either a partition key or a partition range, not both.");
  }
  const chosen = partitionKey ?? (partitionRange ? `${partitionRange.start}..${partitionRange.end}` : undefined);
  if (partitioned.length > 0 && chosen === undefined) {
    const step = partitioned[0]!;
    throw new OrchError(
      ErrorCode.INVALID_PARTITION,
      `Asset "${step.key}" is partitioned (${nodeOf(step).partitions!.description}): choose a partition key or a partition range for this run.`,
    );
  }
  if (partitioned.length === 0 && chosen !== undefined) {
    throw new OrchError(ErrorCode.INVALID_PARTITION, `Partition "${chosen}" was given, but none of the selected assets is partitioned.`);
  }

  // The keys each partitioned node targets in this run.
  const keysOf = new Map<string, readonly string[]>();
  for (const step of partitioned) {
    const node = nodeOf(step);
    const prefix = `Asset "${step.key}": `;
    const keys = partitionRange
      ? await withPrefix(prefix, () => keysInRange(node.partitions!, context, partitionRange.start, partitionRange.end))
      : [await withPrefix(prefix, () => validatePartitionKey(node.partitions!, context, partitionKey!))];
    keysOf.set(step.nodeId, keys);
  }

  // Expand: one step per partition (or one step for the range) per partitioned node.
  const expanded = new Map<string, PlannedStep[]>();
  for (const step of plan.steps) {
    const node = nodeOf(step);
    const keys = keysOf.get(step.nodeId);
    if (!keys) expanded.set(step.key, [step]);
    else if (keys.length === 1 && partitionRange === undefined) expanded.set(step.key, [{ ...step, partitionKey: keys[0]! }]);
    else if (node.backfillPolicy === "single_run") expanded.set(step.key, [{ ...step, partitionKeys: keys }]);
    else expanded.set(step.key, keys.map((key) => ({ ...step, key: `${step.key}[${key}]`, partitionKey: key })));
  }

  const steps: PlannedStep[] = [];
  for (const original of plan.steps) {
    for (const step of expanded.get(original.key)!) {
      const deps = new Set<string>();
      const inputs: PlannedInput[] = [];
      for (const input of step.inputs) {
        const mapped = await mapInput(definitions, nodeOf(step), step, input, context);
        inputs.push(mapped);
        if (input.upstreamStepKey) {
          for (const upstream of expanded.get(input.upstreamStepKey) ?? []) {
            if (readsFrom(mapped, upstream)) deps.add(upstream.key);
          }
        }
      }
      for (const dep of step.deps) {
        const isInput = step.inputs.some((i) => i.upstreamStepKey === dep);
        if (!isInput) for (const upstream of expanded.get(dep) ?? []) deps.add(upstream.key);
      }
      steps.push({
        ...step,
        deps: [...deps],
        inputs: inputs.map((i) => {
          if (!i.upstreamStepKey) return i;
          // Point each input at the expanded step that holds its partition, when exactly one does.
          const holders = (expanded.get(i.upstreamStepKey) ?? []).filter((u) => readsFrom(i, u));
          return holders.length === 1 ? { ...i, upstreamStepKey: holders[0]!.key } : i;
        }),
      });
    }
  }
  return {
    ...plan,
    steps,
    ...(partitionKey !== undefined ? { partitionKey } : {}),
    ...(partitionRange !== undefined ? { partitionRange } : {}),
  };
}

async function mapInput(definitions: Definitions, node: ExecutableNode, step: PlannedStep, input: PlannedInput, context: PartitionsContext): Promise<PlannedInput> {
  if (!input.assetKey) return input;
  const upstreamId = assetKeyToString(input.assetKey);
  const upstream = definitions.graph.spec(upstreamId);
  if (!upstream.partitions) return input;
  const declared = node.inputs.find((i) => i.name === input.name);
  const mapping = checkMappingCompatible(
    { assetKey: upstreamId, partitions: upstream.partitions },
    { assetKey: step.nodeId, partitions: node.partitions },
    declared?.partitionMapping,
  );
  if (!mapping) return input;
  const downstreamKeys = step.partitionKeys ?? step.partitionKey;
  const keys = await mapping.upstreamKeys(downstreamKeys, upstream.partitions, node.partitions, context);
  if (mapping.type === "identity" && step.partitionKey !== undefined && keys.length === 1) return { ...input, partitionKey: keys[0]! };
  return { ...input, partitionKeys: keys };
}

/** Whether an input reads any partition an (expanded) upstream step produces. */
function readsFrom(input: PlannedInput, upstream: PlannedStep): boolean {
  const produced = upstream.partitionKeys ?? (upstream.partitionKey !== undefined ? [upstream.partitionKey] : undefined);
  if (!produced) return true;
  const wanted = input.partitionKeys ?? (input.partitionKey !== undefined ? [input.partitionKey] : []);
  return wanted.some((k) => produced.includes(k));
}

async function withPrefix<T>(prefix: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof OrchError) throw new OrchError(error.code, `${prefix}${error.message.replace(/^\[orch\] /, "")}`, { cause: error, ...(error.details ? { details: error.details } : {}) });
    throw error;
  }
}
