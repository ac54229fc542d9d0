import type { Definitions } from "../definitions.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import { assetKeyToString } from "../asset-key.ts";
import type { ExecutionPlan, PlannedInput } from "../plan.ts";
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
  if (!options.stepKeys) return withProducingRuns(plan, instance);
  const restricted = restrictPlan(plan, options.stepKeys, options.parentRunId);
  return withProducingRuns(options.parentRunId !== undefined ? await fromProducingAncestors(restricted, instance, options.parentRunId) : restricted, instance);
}

/**
 * A re-execution reads the outputs of the steps it does not run from its parent, or, for a step the parent did not
 * run either (the retry of a retry run from failure), from the nearest ancestor where that step succeeded.
 */
async function fromProducingAncestors(plan: ExecutionPlan, instance: InstanceStorage, parentRunId: string): Promise<ExecutionPlan> {
  const fromParent = (input: PlannedInput) => input.upstreamRunId === parentRunId && input.upstreamStepKey === undefined;
  const remaining = new Set(plan.steps.flatMap((s) => s.inputs.filter(fromParent).map((i) => i.upstreamNodeId)));
  const producer = new Map<string, string>();
  for (let runId: string | undefined = parentRunId; runId !== undefined && remaining.size > 0; ) {
    const run = await instance.getRun(runId);
    if (run === undefined) break;
    for (const event of await instance.getEvents(runId, { types: ["STEP_SUCCESS"] })) {
      if (event.stepKey !== undefined && remaining.delete(event.stepKey)) producer.set(event.stepKey, runId);
    }
    runId = run.parentRunId;
  }
  if ([...producer.values()].every((runId) => runId === parentRunId)) return plan;
  return {
    ...plan,
    steps: plan.steps.map((step) => ({
      ...step,
      inputs: step.inputs.map((input) => (fromParent(input) && producer.has(input.upstreamNodeId) ? { ...input, upstreamRunId: producer.get(input.upstreamNodeId)! } : input)),
    })),
  };
}

/**
 * Inputs read from an earlier materialization record the run that produced the value (lineage), looked up in the
 * asset index: for a range of partitions, the newest of their producing runs.
 */
async function withProducingRuns(plan: ExecutionPlan, instance: InstanceStorage): Promise<ExecutionPlan> {
  const earlier = plan.steps.flatMap((s) => s.inputs).filter((i) => i.assetKey && i.upstreamStepKey === undefined);
  if (earlier.length === 0) return plan;
  const keys = [...new Set(earlier.map((i) => assetKeyToString(i.assetKey!)))];
  const latest = new Map<string, { runId: string; timestamp: number }>();
  for (const entry of await instance.getAssetIndex(keys, { byPartition: true })) {
    const event = entry.lastMaterialization;
    if (event) latest.set(`${entry.assetKey}|${entry.partition ?? ""}`, { runId: event.runId, timestamp: event.timestamp });
  }
  const producer = (input: PlannedInput): string | undefined => {
    const key = assetKeyToString(input.assetKey!);
    const partitions = input.partitionKeys ?? (input.partitionKey !== undefined ? [input.partitionKey] : [""]);
    let newest: { runId: string; timestamp: number } | undefined;
    for (const p of partitions) {
      const found = latest.get(`${key}|${p}`);
      if (found && (!newest || found.timestamp > newest.timestamp)) newest = found;
    }
    return newest?.runId;
  };
  return {
    ...plan,
    steps: plan.steps.map((step) => ({
      ...step,
      inputs: step.inputs.map((input) => {
        if (!input.assetKey || input.upstreamStepKey !== undefined) return input;
        const runId = producer(input);
        return runId !== undefined ? { ...input, upstreamRunId: runId } : input;
      }),
    })),
  };
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
