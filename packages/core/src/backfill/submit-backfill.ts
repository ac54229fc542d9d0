import { randomUUID } from "node:crypto";
import type { BackfillRecord, BackfillUnit } from "../automation-storage.ts";
import type { Definitions } from "../definitions.ts";
import { buildQueuedRun, type QueuedRunSpec } from "../queue/enqueue.ts";
import type { RunRecord } from "../run-record.ts";
import type { InstanceStorage } from "../storage.ts";
import { unitLabel } from "./backfill-units.ts";

/** Every run of a backfill carries its id. */
export const BACKFILL_TAG = "orch/backfill";
export const DEFAULT_BACKFILL_CHUNK = 1_000;

/** The run keys of a backfill's units are per backfill, so a crash mid-submission never queues a unit twice. */
export function backfillInstigator(backfillId: string): string {
  return `backfill:${backfillId}`;
}

/**
 * Submits units to the queue in chunks of `chunkSize`, each chunk one write with its progress. Runs are planned
 * once (per-partition runs share a plan shape) so 10,000 partitions take seconds. `attempt` > 0 (a resume) gives
 * new run keys to units run before.
 */
export async function submitBackfillUnits(
  definitions: Definitions,
  instance: InstanceStorage,
  backfill: BackfillRecord,
  units: readonly BackfillUnit[],
  options: { readonly chunkSize?: number; readonly attempt?: number; readonly onChunk?: (submitted: number) => Promise<void> } = {},
): Promise<string[]> {
  const chunkSize = options.chunkSize ?? DEFAULT_BACKFILL_CHUNK;
  const base: QueuedRunSpec = {
    ...(backfill.jobName !== undefined ? { jobName: backfill.jobName } : backfill.selection !== undefined ? { selection: backfill.selection } : {}),
    runConfig: backfill.runConfig,
    tags: { ...backfill.tags, [BACKFILL_TAG]: backfill.backfillId },
  };
  let template: RunRecord | undefined;
  const runIds: string[] = [];
  for (let from = 0; from < units.length; from += chunkSize) {
    const now = Date.now();
    const requests = [];
    for (const unit of units.slice(from, from + chunkSize)) {
      let run: RunRecord;
      if ("partitionKey" in unit) {
        template ??= await buildQueuedRun(definitions, instance, { ...base, partitionKey: unit.partitionKey }, now);
        run = { ...template, runId: randomUUID(), partitionKey: unit.partitionKey, createdAt: now };
      } else {
        run = await buildQueuedRun(definitions, instance, { ...base, partitionRange: unit.partitionRange }, now);
      }
      const key = options.attempt ? `${unitLabel(unit)}#${options.attempt}` : unitLabel(unit);
      requests.push({ run, runKey: { instigator: backfillInstigator(backfill.backfillId), key } });
    }
    for (const outcome of await instance.enqueueRuns(requests)) if (outcome.created) runIds.push(outcome.runId);
    await options.onChunk?.(Math.min(units.length, from + chunkSize));
  }
  return runIds;
}
