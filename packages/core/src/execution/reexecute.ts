import { ErrorCode, OrchError } from "../errors.ts";
import type { Definitions } from "../definitions.ts";
import type { InstanceStorage } from "../storage.ts";
import { FINISHED_STATUSES, type RunRecord } from "../run-record.ts";
import { checkDynamicSubset, runJob } from "../ops/run-job.ts";
import { enqueueRun, type QueuedRunSpec } from "../queue/enqueue.ts";
import { FOREGROUND_TAG } from "../queue/foreground-slot.ts";
import { didYouMean } from "../suggest.ts";
import { materialize, type MaterializeOptions, type RunResult } from "./materialize.ts";

export interface ReexecuteOptions extends Omit<MaterializeOptions, "instance" | "selection" | "parentRunId" | "rootRunId" | "stepKeys" | "partitionKey" | "partitionRange"> {
  /** The instance that holds the parent run; the new run is recorded there too. */
  instance: InstanceStorage;
  /** Run only the steps that failed, were skipped or never started; succeeded steps' outputs are loaded. */
  fromFailure?: boolean;
  /** Run exactly these steps of the parent's plan; the others' outputs are loaded. */
  steps?: readonly string[];
}

/** Error codes for refused re-executions, beyond core's list. */
export const ReexecuteErrorCode = {
  RUN_NOT_FINISHED: "RUN_NOT_FINISHED",
  NOTHING_TO_REEXECUTE: "NOTHING_TO_REEXECUTE",
} as const;

/**
 * Runs a finished run again, as a new run linked to it (`parentRunId`) and to the first run of the chain
 * (`rootRunId`). Without `fromFailure` or `steps` every step of the parent runs again. Run config, tags, job and
 * partition come from the parent; `runConfig` and `tags` in the options override them.
 */
export async function reexecute(definitions: Definitions, parentRunId: string, options: ReexecuteOptions): Promise<RunResult> {
  const { instance, fromFailure, steps, ...rest } = options;
  const { parent, stepKeys } = await reexecutionOf(instance, parentRunId, { ...(fromFailure ? { fromFailure } : {}), ...(steps ? { steps } : {}) });
  const linked = { parentRunId: parent.runId, rootRunId: parent.rootRunId ?? parent.runId, stepKeys };
  const tags = reexecutionTags(parent, rest.tags);
  const job = parent.jobName !== undefined ? definitions.jobs.get(parent.jobName) : undefined;
  if (job) {
    // A job run (asset or op job) is repeated through its job, which knows its plan and config layout.
    return runJob(definitions, job.name, {
      ...rest,
      instance,
      ...(parent.partitionKey !== undefined ? { partitionKey: parent.partitionKey } : {}),
      ...(parent.partitionRange !== undefined ? { partitionRange: parent.partitionRange } : {}),
      runConfig: rest.runConfig ?? parent.runConfig,
      tags,
      ...linked,
    });
  }
  return materialize(definitions, {
    ...rest,
    instance,
    selection: parent.assetKeys,
    ...(parent.partitionKey !== undefined ? { partitionKey: parent.partitionKey } : {}),
    ...(parent.partitionRange !== undefined ? { partitionRange: parent.partitionRange } : {}),
    ...(parent.jobName !== undefined && rest.jobName === undefined ? { jobName: parent.jobName } : {}),
    runConfig: rest.runConfig ?? parent.runConfig,
    tags,
    ...linked,
  });
}

/** Tags of the runs a re-execution creates: the parent's tags and both links, so runs can be listed by their chain. */
export const REEXECUTION_TAGS = { parentRunId: "orch/parent-run-id", rootRunId: "orch/root-run-id" } as const;

/**
 * Checks a re-execution of `parentRunId` and picks its steps: the parent exists and has finished, the steps were
 * part of it, and there is something to run. Shared by reexecute() and enqueueReexecution().
 */
async function reexecutionOf(
  instance: InstanceStorage,
  parentRunId: string,
  options: { readonly fromFailure?: boolean; readonly steps?: readonly string[] },
): Promise<{ parent: RunRecord; stepKeys: string[] }> {
  const { fromFailure, steps } = options;
  if (fromFailure && steps) {
    throw new OrchError(ErrorCode.INVALID_SELECTION, "Re-execute either from failure or a list of steps, not both.");
  }
  const parent = await instance.getRun(parentRunId);
  if (!parent) {
    throw new OrchError(ErrorCode.UNKNOWN_RUN, `Run "${parentRunId}" does not exist in this instance (${instance.name}); list runs with \`orch runs list\`.`, {
      details: { runId: parentRunId },
    });
  }
  if (!FINISHED_STATUSES.has(parent.status)) {
    throw new OrchError(
      ReexecuteErrorCode.RUN_NOT_FINISHED,
      `Run "${parentRunId}" is still ${parent.status}; wait for it to finish (or cancel it) before re-executing it.`,
      { details: { runId: parentRunId, status: parent.status } },
    );
  }
  const stepKeys = fromFailure ? await stepsToRetry(instance, parent) : steps ? [...steps] : [...parent.stepKeys];
  for (const key of stepKeys) {
    if (!parent.stepKeys.includes(key)) {
      throw new OrchError(ErrorCode.INVALID_SELECTION, `Step "${key}" was not part of run "${parentRunId}". Its steps: ${parent.stepKeys.join(", ")}.${didYouMean(key, parent.stepKeys)}`, {
        details: { runId: parentRunId, stepKey: key },
      });
    }
  }
  if (stepKeys.length === 0) {
    throw new OrchError(ReexecuteErrorCode.NOTHING_TO_REEXECUTE, `Nothing to re-execute: no steps were chosen from run "${parentRunId}".`);
  }
  return { parent, stepKeys };
}

/** The parent's tags (less the foreground marker of the command that ran it), the links, then the caller's tags. */
function reexecutionTags(parent: RunRecord, extra: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const { [FOREGROUND_TAG]: _foreground, ...inherited } = parent.tags;
  return { ...inherited, [REEXECUTION_TAGS.parentRunId]: parent.runId, [REEXECUTION_TAGS.rootRunId]: parent.rootRunId ?? parent.runId, ...extra };
}

/**
 * Re-executes a finished run through the run queue, as `enqueueRun` launches: the new run is created QUEUED
 * (linked to its parent and root, tagged with both) and the daemon or a worker starts it. Refused here, before
 * anything is queued: an unknown or unfinished parent, a step it did not have, nothing to run, a bad plan.
 */
export async function enqueueReexecution(
  definitions: Definitions,
  instance: InstanceStorage,
  parentRunId: string,
  options: {
    readonly fromFailure?: boolean;
    readonly steps?: readonly string[];
    readonly tags?: Readonly<Record<string, string>>;
    /** At most one re-execution per key and instigator, ever (run retries: the failed run's id). */
    readonly runKey?: { readonly instigator: string; readonly key: string };
  } = {},
): Promise<{ runId: string; stepKeys: readonly string[]; created: boolean }> {
  const { parent, stepKeys } = await reexecutionOf(instance, parentRunId, options);
  const job = parent.jobName !== undefined ? definitions.jobs.get(parent.jobName) : undefined;
  // Refused now rather than when the daemon starts it: mapped steps without their source.
  if (job?.ops) checkDynamicSubset(job, stepKeys);
  const spec: QueuedRunSpec = {
    ...(parent.jobName !== undefined ? { jobName: parent.jobName } : {}),
    ...(job === undefined ? { selection: parent.assetKeys } : {}),
    ...(parent.partitionKey !== undefined ? { partitionKey: parent.partitionKey } : {}),
    ...(parent.partitionRange !== undefined ? { partitionRange: parent.partitionRange } : {}),
    runConfig: parent.runConfig,
    tags: reexecutionTags(parent, options.tags),
    parentRunId: parent.runId,
    rootRunId: parent.rootRunId ?? parent.runId,
    stepKeys,
    ...(options.runKey !== undefined ? { runKey: options.runKey.key, instigator: options.runKey.instigator } : {}),
  };
  const { runId, created } = await enqueueRun(definitions, instance, spec);
  return { runId, stepKeys, created };
}

/** The parent's steps that did not succeed: failed, skipped, canceled or never started. */
async function stepsToRetry(instance: InstanceStorage, parent: RunRecord): Promise<string[]> {
  if (parent.status === "SUCCESS") {
    throw new OrchError(
      ReexecuteErrorCode.NOTHING_TO_REEXECUTE,
      `Nothing to re-execute: run "${parent.runId}" succeeded. Re-execute all of it, or pick steps.`,
      { details: { runId: parent.runId } },
    );
  }
  const succeeded = new Set((await instance.getEvents(parent.runId, { types: ["STEP_SUCCESS"] })).map((e) => e.stepKey));
  const remaining = parent.stepKeys.filter((key) => !succeeded.has(key));
  if (remaining.length === 0) {
    throw new OrchError(
      ReexecuteErrorCode.NOTHING_TO_REEXECUTE,
      `Nothing to re-execute from failure: every step of run "${parent.runId}" succeeded (the run ended ${parent.status}${parent.statusReason ? `: ${parent.statusReason}` : ""}).`,
      { details: { runId: parent.runId } },
    );
  }
  return remaining;
}
