import type { RunRecord } from "../run-record.ts";
import type { RunFilter } from "../storage.ts";

/** The default `limit` of `listRuns` when the filter gives none. */
export const DEFAULT_RUN_LIMIT = 100;

/** Whether a run passes every condition of a filter (the limit aside). Shared by storages that filter in memory. */
export function runMatchesFilter(run: RunRecord, filter: RunFilter): boolean {
  if (filter.statuses !== undefined && !filter.statuses.includes(run.status)) return false;
  if (filter.runIds !== undefined && !filter.runIds.includes(run.runId)) return false;
  if (filter.createdBefore !== undefined && !(run.createdAt < filter.createdBefore)) return false;
  if (filter.tags !== undefined) {
    for (const [key, value] of Object.entries(filter.tags)) {
      if (run.tags[key] !== value) return false;
    }
  }
  return true;
}
