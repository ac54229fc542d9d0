import type { Definitions, JobDefinition } from "../definitions.ts";
import { ErrorCode, OrchError, isOrchError } from "../errors.ts";
import { selectAssetKeys } from "../execution/select.ts";
import { partitionsEqual } from "../partitions/partitions-equal.ts";
import { isTimeWindowPartitions, type TimeWindowPartitionsDefinition } from "../partitions/time-window-partitions.ts";
import type { PartitionsDefinition } from "../partitions/partitions-definition.ts";
import { didYouMean } from "../suggest.ts";
import type { AutomationTarget, PartitionedTarget } from "./types.ts";

/** What a target names once resolved: a selection string or a job name. */
export type TargetRef = { readonly selection: string } | { readonly job: string };

/** The pieces of Definitions a target is checked against (available before Definitions is frozen). */
export type TargetScope = Pick<Definitions, "graph" | "jobs">;

/** Marks a selection as time-partitioned: each schedule tick requests the partition it closes (`offset` windows earlier). */
export function partitionedTarget(selection: string, options: { readonly offset?: number } = {}): PartitionedTarget {
  if (options.offset !== undefined && (!Number.isInteger(options.offset) || options.offset < 0)) {
    throw new OrchError(ErrorCode.INVALID_DEFINITION, `partitionedTarget(${JSON.stringify(selection)}): offset must be a non-negative integer, got ${options.offset}.`);
  }
  return { kind: "orch.partitioned_target", selection, ...(options.offset !== undefined ? { offset: options.offset } : {}) };
}

function isPartitionedTarget(target: AutomationTarget): target is PartitionedTarget {
  return typeof target === "object" && (target as PartitionedTarget).kind === "orch.partitioned_target";
}

export function targetRef(target: AutomationTarget | string | { readonly job: string }): TargetRef {
  if (typeof target === "string") return { selection: target };
  if (isPartitionedTarget(target)) return { selection: target.selection };
  if ((target as JobDefinition).kind === "orch.job") return { job: (target as JobDefinition).name };
  return { job: (target as { job: string }).job };
}

/** Checks a target exists and is runnable; returns the asset ids it covers (empty for op jobs). */
export function checkTarget(owner: string, target: AutomationTarget | string | { readonly job: string }, scope: TargetScope): Set<string> {
  const ref = targetRef(target);
  if ("job" in ref) {
    const job = scope.jobs.get(ref.job);
    if (!job) {
      const known = [...scope.jobs.keys()];
      throw new OrchError(ErrorCode.UNKNOWN_JOB, `${owner} targets job "${ref.job}", which is not defined. Defined jobs: ${known.length ? known.join(", ") : "(none)"}.${didYouMean(ref.job, known)}`, {
        details: { owner, job: ref.job },
      });
    }
    return job.selection === undefined ? new Set() : selectAssetKeys(scope, job.selection);
  }
  try {
    return selectAssetKeys(scope, ref.selection);
  } catch (error) {
    if (!isOrchError(error)) throw error;
    throw new OrchError(error.code, `${owner} targets ${JSON.stringify(ref.selection)}: ${error.message.replace(/^\[orch\] /, "")}`, {
      cause: error,
      details: { owner, selection: ref.selection },
    });
  }
}

/**
 * The time-window partitioning a schedule's target shares, if any: then each tick requests the partition it
 * closes. A `partitionedTarget` must have one; a plain target is partitioned when all its partitioned assets share
 * one time-window partitioning (static or mixed partitionings leave it unpartitioned: use the function form).
 */
export function targetTimePartitions(owner: string, target: AutomationTarget, scope: TargetScope): TimeWindowPartitionsDefinition | undefined {
  const keys = checkTarget(owner, target, scope);
  const distinct: PartitionsDefinition[] = [];
  for (const key of keys) {
    const partitions = scope.graph.spec(key).partitions;
    if (partitions && !distinct.some((known) => partitionsEqual(known, partitions))) distinct.push(partitions);
  }
  const only = distinct.length === 1 ? distinct[0] : undefined;
  if (isTimeWindowPartitions(only)) return only;
  if (isPartitionedTarget(target)) {
    throw new OrchError(
      ErrorCode.INVALID_PARTITION,
      `${owner} targets partitionedTarget(${JSON.stringify(target.selection)}), but its assets ${distinct.length === 0 ? "are not partitioned" : `do not share one time-window partitioning (${distinct.map((d) => d.description).join("; ")})`}.`,
      { details: { owner, selection: target.selection } },
    );
  }
  return undefined;
}

export function targetOffset(target: AutomationTarget): number {
  return isPartitionedTarget(target) ? (target.offset ?? 0) : 0;
}
