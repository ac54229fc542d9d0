import type { OrchEvent, RunRecord, SerializedError } from "@orch/core";

export interface FailedStep {
  readonly stepKey: string;
  readonly error?: SerializedError;
}

/** Everything an alert about a finished run shows; built from the run record and the run's events. */
export interface RunSummary {
  readonly runId: string;
  readonly status: "SUCCESS" | "FAILURE" | "CANCELED" | "UNKNOWN";
  readonly jobName?: string;
  readonly selection?: string;
  readonly assetKeys: readonly string[];
  readonly partitionKey?: string;
  readonly durationMs?: number;
  /** Why the run failed or was canceled. */
  readonly reason?: string;
  readonly failedSteps: readonly FailedStep[];
  /** Link to the run in the UI, when a base URL or link template was configured. */
  readonly runUrl?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** Only these events matter for a summary; a listener keeps these and drops the rest. */
export const SUMMARY_EVENT_TYPES: ReadonlySet<OrchEvent["type"]> = new Set([
  "RUN_START",
  "RUN_SUCCESS",
  "RUN_FAILURE",
  "RUN_CANCELED",
  "STEP_FAILURE",
]);

/**
 * Summarizes a run from its record and events (any order; later events win). Pure, so a cross-run failure
 * sensor can call it with events read back from storage.
 */
export function summarizeRun(run: RunRecord, events: Iterable<OrchEvent>, runUrl?: (runId: string) => string): RunSummary {
  const stepErrors = new Map<string, SerializedError>();
  let failedSteps: readonly string[] = [];
  let durationMs: number | undefined;
  let reason = run.statusReason;
  let runError: SerializedError | undefined;
  let partitionKey = run.partitionKey;
  for (const event of events) {
    if (event.type === "STEP_FAILURE") stepErrors.set(event.stepKey, event.error);
    else if (event.type === "RUN_START") partitionKey ??= event.partitionKey;
    else if (event.type === "RUN_SUCCESS") durationMs = event.durationMs;
    else if (event.type === "RUN_CANCELED") {
      durationMs = event.durationMs;
      reason ??= event.reason;
    }
    else if (event.type === "RUN_FAILURE") {
      durationMs = event.durationMs;
      reason ??= event.reason;
      failedSteps = event.failedSteps;
      runError = event.error;
    }
  }
  const keys = [...new Set([...failedSteps, ...stepErrors.keys()])];
  const steps: FailedStep[] = keys.map((stepKey) => {
    const error = stepErrors.get(stepKey);
    return error ? { stepKey, error } : { stepKey };
  });
  // A run that failed outside any step (e.g. resource setup) still shows its error.
  if (steps.length === 0 && runError) steps.push({ stepKey: "(run)", error: runError });
  if (durationMs === undefined && run.startedAt !== undefined && run.endedAt !== undefined) durationMs = run.endedAt - run.startedAt;
  const url = runUrl?.(run.runId);
  return {
    runId: run.runId,
    status: statusOf(run),
    ...(run.jobName !== undefined ? { jobName: run.jobName } : {}),
    ...(run.selection !== undefined ? { selection: run.selection } : {}),
    assetKeys: run.assetKeys,
    ...(partitionKey !== undefined ? { partitionKey } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(reason !== undefined ? { reason } : {}),
    failedSteps: steps,
    ...(url !== undefined ? { runUrl: url } : {}),
    tags: run.tags,
  };
}

function statusOf(run: RunRecord): RunSummary["status"] {
  if (run.status === "SUCCESS" || run.status === "FAILURE" || run.status === "CANCELED") return run.status;
  return "UNKNOWN";
}

/** `job`, else the selection, else the asset keys: the name people know the run by. */
export function runTitle(summary: Pick<RunSummary, "jobName" | "selection" | "assetKeys">): string {
  if (summary.jobName) return summary.jobName;
  if (summary.selection) return summary.selection;
  const keys = summary.assetKeys;
  if (keys.length === 0) return "run";
  return keys.length <= 3 ? keys.join(", ") : `${keys.slice(0, 3).join(", ")} and ${keys.length - 3} more`;
}

/** `${baseUrl}/runs/${runId}` unless a template function is given. */
export function runUrlBuilder(options: { baseUrl?: string; runUrl?: (runId: string) => string }): ((runId: string) => string) | undefined {
  if (options.runUrl) return options.runUrl;
  if (options.baseUrl) {
    const base = options.baseUrl.replace(/\/+$/, "");
    return (runId) => `${base}/runs/${encodeURIComponent(runId)}`;
  }
  return undefined;
}
