import { encodeRun as encodeRunRow, type RunRecord } from "@orch/core";

/** The run columns in insert order; the row shapes and codecs are core's, shared with @orch/sqlite. */
export const RUN_COLUMNS = "run_id, status, created_at, started_at, ended_at, status_reason, body";

/** A run record as positional parameters for RUN_COLUMNS. */
export function encodeRun(run: RunRecord): unknown[] {
  const row = encodeRunRow(run);
  return [row.run_id, row.status, row.created_at, row.started_at, row.ended_at, row.status_reason, row.body];
}
