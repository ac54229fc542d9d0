import type { ResolvedRunRequest } from "../automation/types.ts";
import type { Definitions } from "../definitions.ts";
import { buildQueuedRun } from "../queue/enqueue.ts";
import type { InstanceStorage } from "../storage.ts";

export interface SubmittedRequests {
  /** Runs created by this submission. */
  readonly runIds: string[];
  /** Run keys whose run existed already (requested again after a restart, or by a later tick). */
  readonly skippedRunKeys: string[];
}

/**
 * Enqueues a tick's run requests in one write, each run key at most once per instigator. Every request is planned
 * first, so a bad request fails the tick before any of its runs is created.
 */
export async function submitRunRequests(
  definitions: Definitions,
  instance: InstanceStorage,
  instigator: string,
  requests: readonly ResolvedRunRequest[],
  now: number,
): Promise<SubmittedRequests> {
  if (requests.length === 0) return { runIds: [], skippedRunKeys: [] };
  const batch = [];
  for (const request of requests) {
    if (request.runKey !== undefined && (await instance.getRunIdForKey(instigator, request.runKey)) !== undefined) {
      batch.push({ request, run: undefined });
      continue;
    }
    const run = await buildQueuedRun(
      definitions,
      instance,
      {
        ...("job" in request.target ? { jobName: request.target.job } : { selection: request.target.selection }),
        ...(request.partitionKey !== undefined ? { partitionKey: request.partitionKey } : {}),
        ...(request.partitionRange !== undefined ? { partitionRange: request.partitionRange } : {}),
        ...(request.config !== undefined ? { runConfig: request.config } : {}),
        tags: request.tags,
      },
      now,
    );
    batch.push({ request, run });
  }
  const skippedRunKeys = batch.filter((entry) => entry.run === undefined).map((entry) => entry.request.runKey!);
  const fresh = batch.filter((entry) => entry.run !== undefined);
  const outcomes = await instance.enqueueRuns(
    fresh.map(({ request, run }) => ({ run: run!, ...(request.runKey !== undefined ? { runKey: { instigator, key: request.runKey } } : {}) })),
  );
  const runIds: string[] = [];
  outcomes.forEach((outcome, i) => {
    if (outcome.created) runIds.push(outcome.runId);
    else skippedRunKeys.push(fresh[i]!.request.runKey!);
  });
  return { runIds, skippedRunKeys };
}
