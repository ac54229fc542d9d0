import { makeStepLogger, type LogLevel, type OrchEvent, type RunListener, type RunRecord } from "@orch/core";

export function makeRun(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    runId: "run-1",
    status: "SUCCESS",
    jobName: "daily_sales",
    assetKeys: ["raw/orders", "daily_revenue"],
    stepKeys: ["raw/orders", "daily_revenue"],
    tags: {},
    runConfig: {},
    createdAt: 1_700_000_000_000,
    ...overrides,
  };
}

const T = 1_700_000_000_000;

/** A partitioned run: raw/orders materializes with a row count after one retry, daily_revenue fails. */
export function runEvents(runId = "run-1"): OrchEvent[] {
  return [
    { type: "RUN_START", runId, timestamp: T, stepKeys: ["raw/orders", "daily_revenue"], partitionKey: "2024-05-01" },
    { type: "STEP_START", runId, timestamp: T + 10, stepKey: "raw/orders", attempt: 1 },
    { type: "STEP_RETRY", runId, timestamp: T + 500, stepKey: "raw/orders", attempt: 1, delayMs: 100, error: { name: "Error", message: "flaky" } },
    {
      type: "ASSET_MATERIALIZATION",
      runId,
      timestamp: T + 2_000,
      stepKey: "raw/orders",
      assetKey: ["raw", "orders"],
      partition: "2024-05-01",
      metadata: { row_count: 1200, "size (bytes)": 4096, path: "/tmp/x", preview: { type: "markdown", value: "|a|" } },
    },
    { type: "STEP_SUCCESS", runId, timestamp: T + 2_001, stepKey: "raw/orders", durationMs: 1_990 },
    { type: "LOG", runId, timestamp: T + 2_100, stepKey: "daily_revenue", level: "info", message: "computing revenue" },
    { type: "STEP_FAILURE", runId, timestamp: T + 3_000, stepKey: "daily_revenue", durationMs: 900, attempt: 1, error: { name: "TypeError", message: "x is undefined", stack: "TypeError: x is undefined\n    at compute" } },
    { type: "RUN_FAILURE", runId, timestamp: T + 3_100, durationMs: 3_100, reason: "1 step failed", failedSteps: ["daily_revenue"] },
  ];
}

export function collectingContext(resources: Record<string, unknown> = {}) {
  const lines: { level: LogLevel; message: string }[] = [];
  return { context: { log: makeStepLogger((level, message) => lines.push({ level, message })), resources }, lines };
}

/** Feeds events to a listener and ends the run, timing the end. */
export async function driveRun(listener: RunListener, run: RunRecord, events: OrchEvent[], resources: Record<string, unknown> = {}) {
  const { context, lines } = collectingContext(resources);
  for (const event of events) await listener.onEvent?.(event, context);
  const started = Date.now();
  await listener.onRunEnd?.(run, context);
  return { lines, elapsedMs: Date.now() - started };
}
