import type { RunRecord, RunStatus } from "@orch/core";

/** One row of `runs`: what `updateRun` changes and `listRuns` filters on are columns; the rest is JSON. */
export interface RunRow {
  readonly run_id: string;
  readonly status: string;
  readonly created_at: number;
  readonly started_at: number | null;
  readonly ended_at: number | null;
  readonly status_reason: string | null;
  readonly body: string;
}

export function encodeRun(run: RunRecord): RunRow {
  const { runId, status, createdAt, startedAt, endedAt, statusReason, ...rest } = run;
  return {
    run_id: runId,
    status,
    created_at: createdAt,
    started_at: startedAt ?? null,
    ended_at: endedAt ?? null,
    status_reason: statusReason ?? null,
    body: JSON.stringify(rest),
  };
}

export function decodeRun(row: RunRow): RunRecord {
  const run: Record<string, unknown> = {
    runId: row.run_id,
    status: row.status as RunStatus,
    createdAt: row.created_at,
    ...JSON.parse(row.body),
  };
  if (row.started_at !== null) run.startedAt = row.started_at;
  if (row.ended_at !== null) run.endedAt = row.ended_at;
  if (row.status_reason !== null) run.statusReason = row.status_reason;
  return run as unknown as RunRecord;
}
