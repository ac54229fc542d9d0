import type { ProcessIdentity } from "./process-identity.ts";

export const RUN_STATUSES = ["QUEUED", "STARTING", "STARTED", "SUCCESS", "FAILURE", "CANCELING", "CANCELED"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const FINISHED_STATUSES: ReadonlySet<RunStatus> = new Set(["SUCCESS", "FAILURE", "CANCELED"]);

export interface PartitionRange {
  readonly start: string;
  readonly end: string;
}

/** A run as the instance keeps it. Run config is stored with `{ env }` references, never resolved secrets. */
export interface RunRecord {
  readonly runId: string;
  readonly status: RunStatus;
  readonly jobName?: string;
  /** The selection string the user gave, if any. */
  readonly selection?: string;
  readonly assetKeys: readonly string[];
  readonly stepKeys: readonly string[];
  readonly partitionKey?: string;
  readonly partitionRange?: PartitionRange;
  readonly tags: Readonly<Record<string, string>>;
  readonly runConfig: unknown;
  readonly parentRunId?: string;
  readonly rootRunId?: string;
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** Why the run failed or was canceled, when known. */
  readonly statusReason?: string;
  /** The process that executes the run: on its host, crash detection asks the OS whether it is alive. */
  readonly worker?: ProcessIdentity;
}

/** `worker`: the process that took the run (a queued run gets its executor's identity when a worker claims it). */
export type RunUpdate = Partial<Pick<RunRecord, "status" | "startedAt" | "endedAt" | "statusReason" | "worker">>;
