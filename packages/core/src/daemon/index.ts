export * from "./clock.ts";
export * from "./daemon.ts";
export { effectiveStatus, findInstigator, setInstigatorStatus, setSensorCursor } from "./instigator-status.ts";
export { tickSchedules, ticksToRun } from "./schedule-loop.ts";
export { tickSensors } from "./sensor-loop.ts";
export type { TickContext } from "./tick-context.ts";
export { findRetry, retryFailedRuns, RUN_RETRY_INSTIGATOR, RUN_RETRY_STATE, type RetryDecision, type RetryPassOptions } from "./run-retry-loop.ts";
