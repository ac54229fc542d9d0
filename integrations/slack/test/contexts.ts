import { makeStepLogger, type LogLevel, type OrchEvent, type RunRecord, type StepLogger } from "@orch/core";

export interface CollectedLog {
  readonly log: StepLogger;
  readonly lines: { level: LogLevel; message: string }[];
}

/** A StepLogger that keeps what was written, as the kernel would turn it into LOG events. */
export function collectingLog(): CollectedLog {
  const lines: { level: LogLevel; message: string }[] = [];
  return { log: makeStepLogger((level, message) => lines.push({ level, message })), lines };
}

export function makeRun(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    runId: "run-1",
    status: "FAILURE",
    jobName: "daily_sales",
    assetKeys: ["raw/orders", "daily_revenue"],
    stepKeys: ["raw/orders", "daily_revenue"],
    partitionKey: "2024-05-01",
    tags: {},
    runConfig: {},
    createdAt: 1_700_000_000_000,
    startedAt: 1_700_000_000_000,
    endedAt: 1_700_000_004_200,
    ...overrides,
  };
}

/** The events of a run whose `raw/orders` step failed. */
export function failedRunEvents(runId = "run-1"): OrchEvent[] {
  const t = 1_700_000_000_000;
  return [
    { type: "RUN_START", runId, timestamp: t, stepKeys: ["raw/orders", "daily_revenue"], partitionKey: "2024-05-01" },
    { type: "STEP_START", runId, timestamp: t + 1, stepKey: "raw/orders", attempt: 1 },
    {
      type: "STEP_FAILURE",
      runId,
      timestamp: t + 4000,
      stepKey: "raw/orders",
      durationMs: 3999,
      attempt: 1,
      error: { name: "Error", message: "connection refused: warehouse.example:5432\nwhile loading orders\nline 3\nline 4\nline 5\nline 6\nline 7" },
    },
    { type: "STEP_SKIPPED", runId, timestamp: t + 4001, stepKey: "daily_revenue", reason: "upstream raw/orders failed" },
    { type: "RUN_FAILURE", runId, timestamp: t + 4200, durationMs: 4200, reason: "1 step failed", failedSteps: ["raw/orders"] },
  ];
}
