import { randomUUID } from "node:crypto";
import type { Definitions } from "../definitions.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import { planRun } from "../execution/plan-run.ts";
import type { PartitionRange, RunRecord } from "../run-record.ts";
import type { InstanceStorage } from "../storage.ts";
import { didYouMean } from "../suggest.ts";
import { checkRunRetryTags } from "./run-retries.ts";

/** What to run: a selection (default every asset) or a job, with the same options as `materialize()`. */
export interface QueuedRunSpec {
  /** A selection string, or asset keys (a re-execution repeats its parent's keys). */
  readonly selection?: string | readonly string[];
  readonly jobName?: string;
  readonly partitionKey?: string;
  readonly partitionRange?: PartitionRange;
  readonly runConfig?: unknown;
  readonly tags?: Readonly<Record<string, string>>;
  readonly runId?: string;
  /** With `instigator`: the request launches at most one run ever (schedules, sensors). */
  readonly runKey?: string;
  readonly instigator?: string;
  /** Re-execution: the run this one repeats, the first run of its chain, and only these of its steps. */
  readonly parentRunId?: string;
  readonly rootRunId?: string;
  readonly stepKeys?: readonly string[];
}

/**
 * Builds the QUEUED record of a run, planned now so a bad selection, partition or job is refused at enqueue
 * time rather than when the daemon starts it. `now` lets batches share one clock reading.
 */
export async function buildQueuedRun(definitions: Definitions, instance: InstanceStorage, spec: QueuedRunSpec, now = Date.now()): Promise<RunRecord> {
  const job = spec.jobName === undefined ? undefined : definitions.jobs.get(spec.jobName);
  if (spec.jobName !== undefined && job === undefined) {
    const known = [...definitions.jobs.keys()];
    throw new OrchError(ErrorCode.UNKNOWN_JOB, `Unknown job "${spec.jobName}". Jobs: ${known.length ? known.join(", ") : "(none)"}.${didYouMean(spec.jobName, known)}`, {
      details: { job: spec.jobName },
    });
  }
  const tags = { ...job?.tags, ...spec.tags };
  checkRunRetryTags(tags, spec.jobName !== undefined ? `The run of job "${spec.jobName}"` : "The run");
  const selection = job?.selection ?? spec.selection;
  const plan = await planRun(definitions, instance, {
    ...(job?.ops ? { plan: { steps: job.ops.steps, assetKeys: [] } } : selection !== undefined ? { selection } : {}),
    ...(spec.partitionKey !== undefined ? { partitionKey: spec.partitionKey } : {}),
    ...(spec.partitionRange !== undefined ? { partitionRange: spec.partitionRange } : {}),
    ...(spec.stepKeys !== undefined ? { stepKeys: spec.stepKeys } : {}),
    ...(spec.parentRunId !== undefined ? { parentRunId: spec.parentRunId } : {}),
  });
  return {
    runId: spec.runId ?? randomUUID(),
    status: "QUEUED",
    ...(spec.jobName !== undefined ? { jobName: spec.jobName } : {}),
    ...(typeof selection === "string" && job === undefined ? { selection } : {}),
    assetKeys: plan.assetKeys,
    stepKeys: plan.steps.map((s) => s.key),
    ...(spec.partitionKey !== undefined ? { partitionKey: spec.partitionKey } : {}),
    ...(spec.partitionRange !== undefined ? { partitionRange: spec.partitionRange } : {}),
    tags,
    runConfig: spec.runConfig ?? {},
    ...(spec.parentRunId !== undefined ? { parentRunId: spec.parentRunId, rootRunId: spec.rootRunId ?? spec.parentRunId } : {}),
    createdAt: now,
  };
}

/** Plans and enqueues one run; returns its id and whether it was created (false: its run key was used before). */
export async function enqueueRun(definitions: Definitions, instance: InstanceStorage, spec: QueuedRunSpec): Promise<{ runId: string; created: boolean }> {
  const run = await buildQueuedRun(definitions, instance, spec);
  const [outcome] = await instance.enqueueRuns([
    { run, ...(spec.runKey !== undefined ? { runKey: { instigator: spec.instigator ?? "manual", key: spec.runKey } } : {}) },
  ]);
  return outcome!;
}
