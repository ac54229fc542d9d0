import { randomUUID } from "node:crypto";
import type { BackfillRecord, BackfillStatus } from "../automation-storage.ts";
import type { Definitions } from "../definitions.ts";
import { retriesUndecided } from "../daemon/run-retry-loop.ts";
import { OrchError } from "../errors.ts";
import { cancelRun } from "../queue/cancel-run.ts";
import { QueueErrorCode } from "../queue/queue-errors.ts";
import { FINISHED_STATUSES, type RunStatus } from "../run-record.ts";
import type { InstanceStorage } from "../storage.ts";
import { backfillKeys, backfillTarget, backfillUnits, unitLabel, type BackfillPartitions } from "./backfill-units.ts";
import { BACKFILL_TAG, submitBackfillUnits } from "./submit-backfill.ts";

export interface LaunchBackfillOptions {
  readonly selection?: string;
  readonly jobName?: string;
  readonly partitions: BackfillPartitions;
  readonly tags?: Readonly<Record<string, string>>;
  readonly runConfig?: unknown;
  readonly chunkSize?: number;
  readonly backfillId?: string;
}

/**
 * Creates a backfill and submits its runs to the queue: one run per partition, or one per range of consecutive
 * partitions when an asset has `backfillPolicy: "single_run"`. The daemon starts them under the queue's limits and
 * finishes the submission if this process dies half-way.
 */
export async function launchBackfill(definitions: Definitions, instance: InstanceStorage, options: LaunchBackfillOptions): Promise<BackfillRecord> {
  const job = options.jobName === undefined ? undefined : definitions.jobs.get(options.jobName);
  const selection = job?.selection ?? options.selection;
  const label = options.jobName !== undefined ? `Job "${options.jobName}"` : `Selection "${selection ?? "*"}"`;
  const target = backfillTarget(definitions, selection, label);
  const keys = await backfillKeys(instance, target, options.partitions);
  if (keys.length === 0) throw new OrchError(QueueErrorCode.INVALID_BACKFILL, `${label}: no partitions to backfill${"missing" in options.partitions ? " (none is missing)" : ""}.`);
  const backfill: BackfillRecord = {
    backfillId: options.backfillId ?? randomUUID().slice(0, 8),
    status: "REQUESTED",
    ...(options.jobName !== undefined ? { jobName: options.jobName } : selection !== undefined ? { selection } : {}),
    units: backfillUnits(keys, "range" in options.partitions ? undefined : [...(await target.partitions.getKeys({ dynamicPartitions: (n) => instance.getDynamicPartitions(n) }))], target.singleRun),
    submitted: 0,
    tags: options.tags ?? {},
    runConfig: options.runConfig ?? {},
    createdAt: Date.now(),
  };
  await instance.createBackfill(backfill);
  await submitBackfillUnits(definitions, instance, backfill, backfill.units, {
    ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
    onChunk: (submitted) => instance.updateBackfill(backfill.backfillId, { submitted }),
  });
  return (await instance.getBackfill(backfill.backfillId))!;
}

export type UnitStatus = RunStatus | "NOT_SUBMITTED";

export interface BackfillProgress {
  readonly backfill: BackfillRecord;
  /** Per unit (partition or range), the status of its latest run. */
  readonly units: readonly { readonly label: string; readonly status: UnitStatus; readonly runId?: string }[];
  readonly counts: Readonly<Partial<Record<UnitStatus, number>>>;
}

export async function getBackfillOrThrow(instance: InstanceStorage, backfillId: string): Promise<BackfillRecord> {
  const backfill = await instance.getBackfill(backfillId);
  if (backfill === undefined) {
    const known = (await instance.listBackfills({ limit: 5 })).map((b) => b.backfillId);
    throw new OrchError(QueueErrorCode.UNKNOWN_BACKFILL, `Backfill "${backfillId}" does not exist in this instance. Recent: ${known.length ? known.join(", ") : "(none)"}.`);
  }
  return backfill;
}

/** Status per partition, read from the backfill's runs (the latest run of a unit wins). */
export async function backfillProgress(instance: InstanceStorage, backfillId: string): Promise<BackfillProgress> {
  const backfill = await getBackfillOrThrow(instance, backfillId);
  const latest = new Map<string, { status: RunStatus; runId: string }>();
  // listRuns is newest first: the first run seen for a unit is its latest.
  for (const run of await instance.listRuns({ tags: { [BACKFILL_TAG]: backfillId }, limit: Number.MAX_SAFE_INTEGER })) {
    const label = run.partitionKey ?? (run.partitionRange ? `${run.partitionRange.start}..${run.partitionRange.end}` : run.runId);
    if (!latest.has(label)) latest.set(label, { status: run.status, runId: run.runId });
  }
  const counts: Partial<Record<UnitStatus, number>> = {};
  const units = backfill.units.map((unit) => {
    const label = unitLabel(unit);
    const run = latest.get(label);
    const status: UnitStatus = run?.status ?? "NOT_SUBMITTED";
    counts[status] = (counts[status] ?? 0) + 1;
    return { label, status, ...(run ? { runId: run.runId } : {}) };
  });
  return { backfill, units, counts };
}

/** Cancels a backfill: its queued runs end CANCELED now, running ones through CANCELING; the daemon closes it. */
export async function cancelBackfill(instance: InstanceStorage, backfillId: string): Promise<BackfillStatus> {
  const backfill = await getBackfillOrThrow(instance, backfillId);
  if (backfill.status !== "REQUESTED" && backfill.status !== "CANCELING") {
    throw new OrchError(QueueErrorCode.INVALID_BACKFILL, `Backfill "${backfillId}" already ended ${backfill.status}; only a requested backfill can be canceled.`);
  }
  await instance.updateBackfill(backfillId, { status: "CANCELING" });
  return settleCanceling(instance, backfillId);
}

/** Cancels what is left of a canceling backfill; CANCELED once none of its runs is in progress. */
export async function settleCanceling(instance: InstanceStorage, backfillId: string): Promise<BackfillStatus> {
  let live = 0;
  for (const run of await instance.listRuns({ tags: { [BACKFILL_TAG]: backfillId }, statuses: ["QUEUED", "STARTING", "STARTED", "CANCELING"], limit: Number.MAX_SAFE_INTEGER })) {
    if ((await cancelRun(instance, run.runId).catch(() => "CANCELED")) !== "CANCELED") live++;
  }
  if (live > 0) return "CANCELING";
  await instance.updateBackfill(backfillId, { status: "CANCELED", endedAt: Date.now() });
  return "CANCELED";
}

/**
 * Resumes a canceled or failed backfill: units never submitted, and units whose latest run failed or was
 * canceled, are queued again (with new run keys). Returns how many runs it queued.
 */
export async function resumeBackfill(definitions: Definitions, instance: InstanceStorage, backfillId: string): Promise<number> {
  const progress = await backfillProgress(instance, backfillId);
  const { backfill } = progress;
  if (backfill.status !== "CANCELED" && backfill.status !== "FAILED") {
    throw new OrchError(QueueErrorCode.INVALID_BACKFILL, `Backfill "${backfillId}" is ${backfill.status}; only a canceled or failed backfill can be resumed.`);
  }
  const again = backfill.units.filter((_, i) => ["NOT_SUBMITTED", "FAILURE", "CANCELED"].includes(progress.units[i]!.status));
  const attempt = (backfill.attempt ?? 0) + 1;
  await instance.updateBackfill(backfillId, { status: "REQUESTED", attempt, submitted: backfill.units.length });
  const { endedAt: _ended, ...open } = backfill;
  return (await submitBackfillUnits(definitions, instance, { ...open, status: "REQUESTED" }, again, { attempt })).length;
}

/** The daemon's backfill pass: finishes interrupted submissions, settles cancellations, closes finished backfills. */
export async function tickBackfills(
  definitions: Definitions,
  instance: InstanceStorage,
  options: { /** The daemon retries failed runs: wait for its verdict on failed partitions before closing. */ readonly awaitRetries?: boolean } = {},
): Promise<void> {
  for (const backfill of await instance.listBackfills({ statuses: ["REQUESTED", "CANCELING"], limit: Number.MAX_SAFE_INTEGER })) {
    if (backfill.status === "CANCELING") {
      await settleCanceling(instance, backfill.backfillId);
      continue;
    }
    if (backfill.submitted < backfill.units.length) {
      // A submission cut short (the CLI died): its run keys skip the units already queued.
      await submitBackfillUnits(definitions, instance, backfill, backfill.units.slice(backfill.submitted), {
        ...(backfill.attempt ? { attempt: backfill.attempt } : {}),
        onChunk: (n) => instance.updateBackfill(backfill.backfillId, { submitted: backfill.submitted + n }),
      });
      continue;
    }
    const progress = await backfillProgress(instance, backfill.backfillId);
    if (progress.units.some((unit) => unit.status === "NOT_SUBMITTED" || !FINISHED_STATUSES.has(unit.status as RunStatus))) continue;
    const failedRuns = progress.units.flatMap((unit) => (unit.status === "FAILURE" && unit.runId !== undefined ? [unit.runId] : []));
    if (options.awaitRetries && (await retriesUndecided(instance, failedRuns))) continue;
    const failed = progress.units.some((unit) => unit.status !== "SUCCESS");
    await instance.updateBackfill(backfill.backfillId, { status: failed ? "FAILED" : "COMPLETED", endedAt: Date.now() });
  }
}
