import type { Definitions } from "../definitions.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import type { ExecutionPlan } from "../plan.ts";
import type { InstanceStorage } from "../storage.ts";
import type { MaterializeOptions } from "./materialize.ts";
import { applyPartitions, needsPartitionPlanning } from "./partition-planner.ts";
import { buildPlan } from "./planner.ts";
import { selectAssetKeys } from "./select.ts";

/** The run's plan: the selection (or a ready plan), partitions applied, restricted to chosen steps for re-execution. */
export async function planRun(definitions: Definitions, instance: InstanceStorage, options: MaterializeOptions): Promise<ExecutionPlan> {
  const basePlan =
    options.plan ?? buildPlan(definitions, { assetKeys: selectAssetKeys(definitions, options.selection), ...(options.checks ? { checks: options.checks } : {}) });
  const partitioned = needsPartitionPlanning(definitions, basePlan) || options.partitionKey !== undefined || options.partitionRange !== undefined;
  const plan = partitioned
    ? await applyPartitions(definitions, basePlan, {
        ...(options.partitionKey !== undefined ? { partitionKey: options.partitionKey } : {}),
        ...(options.partitionRange !== undefined ? { partitionRange: options.partitionRange } : {}),
        context: { dynamicPartitions: (name) => instance.getDynamicPartitions(name) },
      })
    : basePlan;
  return options.stepKeys ? restrictPlan(plan, options.stepKeys, options.parentRunId) : plan;
}

/** Keeps only the chosen steps; inputs from dropped steps are read from the parent run's stored outputs. */
function restrictPlan(plan: ExecutionPlan, stepKeys: readonly string[], parentRunId: string | undefined): ExecutionPlan {
  const keep = new Set(stepKeys);
  for (const key of keep) {
    if (!plan.steps.some((s) => s.key === key)) {
      throw new OrchError(ErrorCode.INVALID_SELECTION, `Step "${key}" is not part of this run's plan. Steps: ${plan.steps.map((s) => s.key).join(", ")}.`);
    }
  }
  const steps = plan.steps
    .filter((s) => keep.has(s.key))
    .map((s) => ({
      ...s,
      deps: s.deps.filter((d) => keep.has(d)),
      inputs: s.inputs.map((input) => {
        if (!input.upstreamStepKey || keep.has(input.upstreamStepKey)) return input;
        const { upstreamStepKey, ...rest } = input;
        return { ...rest, upstreamNodeId: upstreamStepKey, ...(parentRunId ? { upstreamRunId: parentRunId } : {}) };
      }),
    }));
  const assetKeys = plan.assetKeys.filter((k) => steps.some((s) => s.key === k || s.nodeId === k));
  return { ...plan, steps, assetKeys };
}
