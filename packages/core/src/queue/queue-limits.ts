import type { RunRecord, RunStatus } from "../run-record.ts";
import { PRIORITY_TAG } from "./queue-errors.ts";

/** Runs that hold a slot. */
export const IN_PROGRESS_STATUSES: readonly RunStatus[] = ["STARTING", "STARTED", "CANCELING"];

/** A cap on in-progress runs carrying a tag: `{ key: "database", value: "snowflake", limit: 3 }`. */
export interface TagConcurrencyLimit {
  readonly key: string;
  /** Only runs whose tag has this value; without it, every run with the key counts. */
  readonly value?: string;
  readonly limit: number;
  /** Without `value`: a separate limit for each value of the tag. */
  readonly perUniqueValue?: boolean;
}

export interface QueueLimits {
  readonly maxConcurrentRuns?: number;
  readonly tagConcurrencyLimits?: readonly TagConcurrencyLimit[];
}

export interface DequeuePlan {
  /** Runs to start now, in start order. */
  readonly launch: readonly RunRecord[];
  /** Why each other queued run waits ("tag database=snowflake: 3 of 3 slots taken"). */
  readonly waiting: ReadonlyMap<string, string>;
}

/** The priority of a run: its `orch/priority` tag as an integer, 0 when absent or not an integer. */
export function runPriority(run: RunRecord): number {
  const value = Number(run.tags[PRIORITY_TAG]);
  return Number.isInteger(value) ? value : 0;
}

/** Queued runs in dequeue order: higher priority first, then first in, first out (input is oldest first). */
export function dequeueOrder(queued: readonly RunRecord[]): RunRecord[] {
  return queued
    .map((run, index) => ({ run, index, priority: runPriority(run) }))
    .sort((a, b) => b.priority - a.priority || a.index - b.index)
    .map((entry) => entry.run);
}

/** The slot a run takes under a limit (undefined when the limit does not cover it). */
function slotOf(limit: TagConcurrencyLimit, run: RunRecord): string | undefined {
  const value = run.tags[limit.key];
  if (value === undefined) return undefined;
  if (limit.value !== undefined) return value === limit.value ? `${limit.key}=${value}` : undefined;
  return limit.perUniqueValue ? `${limit.key}=${value}` : limit.key;
}

/**
 * Decides which queued runs start, given the runs in progress. Each run is checked against every limit on its
 * own, so a run blocked by a tag limit never holds back runs behind it that the limit does not cover.
 */
export function planDequeue(queued: readonly RunRecord[], inProgress: readonly RunRecord[], limits: QueueLimits): DequeuePlan {
  const tagLimits = limits.tagConcurrencyLimits ?? [];
  const used = new Map<string, number>();
  const take = (run: RunRecord) => {
    tagLimits.forEach((limit, i) => {
      const slot = slotOf(limit, run);
      if (slot !== undefined) used.set(`${i}\u0000${slot}`, (used.get(`${i}\u0000${slot}`) ?? 0) + 1);
    });
  };
  for (const run of inProgress) take(run);
  let running = inProgress.length;
  const launch: RunRecord[] = [];
  const waiting = new Map<string, string>();
  for (const run of dequeueOrder(queued)) {
    if (limits.maxConcurrentRuns !== undefined && running >= limits.maxConcurrentRuns) {
      waiting.set(run.runId, `maxConcurrentRuns: ${running} of ${limits.maxConcurrentRuns} runs in progress`);
      continue;
    }
    const blocked = tagLimits
      .map((limit, i) => ({ limit, slot: slotOf(limit, run), i }))
      .find(({ limit, slot, i }) => slot !== undefined && (used.get(`${i}\u0000${slot}`) ?? 0) >= limit.limit);
    if (blocked !== undefined) {
      const taken = used.get(`${blocked.i}\u0000${blocked.slot}`) ?? 0;
      const label = blocked.slot!.includes("=") ? blocked.slot : `${blocked.slot} (any value)`;
      waiting.set(run.runId, `tag ${label}: ${taken} of ${blocked.limit.limit} slots taken`);
      continue;
    }
    take(run);
    running++;
    launch.push(run);
  }
  return { launch, waiting };
}
