/** Codes of the run queue, backfills and the daemon (documented in docs/errors.md with core's). */
export const QueueErrorCode = {
  /** `orch runs cancel` of a run that already ended. */
  RUN_NOT_CANCELABLE: "RUN_NOT_CANCELABLE",
  /** A second daemon on an instance that has a live one. */
  DAEMON_ALREADY_RUNNING: "DAEMON_ALREADY_RUNNING",
  UNKNOWN_BACKFILL: "UNKNOWN_BACKFILL",
  /** A backfill with no partitions, or over unpartitioned assets. */
  INVALID_BACKFILL: "INVALID_BACKFILL",
} as const;

/** The tag that orders the queue: an integer, higher first (default 0). */
export const PRIORITY_TAG = "orch/priority";
