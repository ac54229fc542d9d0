// Records and events the storage contract suite writes and compares.
import type { OrchEvent, StoredEvent } from "../events.ts";
import type { RunRecord } from "../run-record.ts";

export function run(runId: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return { runId, status: "QUEUED", assetKeys: ["a"], stepKeys: ["a"], tags: {}, runConfig: {}, createdAt: 1_000, ...overrides };
}

export function materialization(runId: string, assetKey: string, partition?: string, timestamp = 2_000): OrchEvent {
  return {
    type: "ASSET_MATERIALIZATION",
    runId,
    timestamp,
    stepKey: assetKey,
    assetKey: assetKey.split("/"),
    metadata: { rows: 3 },
    ...(partition === undefined ? {} : { partition }),
  };
}

export function observation(runId: string, assetKey: string, partition?: string): OrchEvent {
  return {
    type: "ASSET_OBSERVATION",
    runId,
    timestamp: 2_000,
    assetKey: assetKey.split("/"),
    metadata: {},
    ...(partition === undefined ? {} : { partition }),
  };
}

export function checkEvaluation(runId: string, assetKey: string, passed: boolean): OrchEvent {
  return {
    type: "ASSET_CHECK_EVALUATION",
    runId,
    timestamp: 2_000,
    assetKey: assetKey.split("/"),
    checkName: "not_empty",
    passed,
    severity: "error",
    blocking: false,
    metadata: {},
  };
}

export function log(runId: string, message: string): OrchEvent {
  return { type: "LOG", runId, timestamp: 2_000, level: "info", message };
}

/** Strips the ids storage assigned so events compare with what was appended. */
export function withoutIds(events: readonly StoredEvent[]): OrchEvent[] {
  return events.map(({ id: _id, ...event }) => event as OrchEvent);
}
