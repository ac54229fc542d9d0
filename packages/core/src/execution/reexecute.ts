import { ErrorCode, OrchError } from "../errors.ts";
import type { Definitions } from "../definitions.ts";
import type { InstanceStorage } from "../storage.ts";
import { FINISHED_STATUSES, type RunRecord } from "../run-record.ts";
import { runJob } from "../ops/run-job.ts";
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
      throw new OrchError(ErrorCode.INVALID_SELECTION, `Step "${key}" was not part of run "${parentRunId}". Its steps: ${parent.stepKeys.join(", ")}.`, {
        details: { runId: parentRunId, stepKey: key },
      });
    }
  }
  if (stepKeys.length === 0) {
    throw new OrchError(ReexecuteErrorCode.NOTHING_TO_REEXECUTE, `Nothing to re-execute: no steps were chosen from run "${parentRunId}".`);
  }

  const linked = { parentRunId: parent.runId, rootRunId: parent.rootRunId ?? parent.runId, stepKeys };
  const job = parent.jobName !== undefined ? definitions.jobs.get(parent.jobName) : undefined;
  if (job) {
    // A job run (asset or op job) is repeated through its job, which knows its plan and config layout.
    return runJob(definitions, job.name, {
      ...rest,
      instance,
      ...(parent.partitionKey !== undefined ? { partitionKey: parent.partitionKey } : {}),
      ...(parent.partitionRange !== undefined ? { partitionRange: parent.partitionRange } : {}),
      runConfig: rest.runConfig ?? parent.runConfig,
      tags: { ...parent.tags, ...rest.tags },
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
    tags: { ...parent.tags, ...rest.tags },
    ...linked,
  });
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
