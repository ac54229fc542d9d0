import { assetKeyToString, type OrchEvent } from "@orch/core";

/** A measurement before tags are known: run-level tags (job, groups) are only complete at run end. */
export interface RawPoint {
  /** Without the prefix: `step.duration`. */
  readonly metric: string;
  readonly type: "count" | "gauge";
  readonly value: number;
  /** Seconds since the epoch, as Datadog wants. */
  readonly timestamp: number;
  readonly unit?: string;
  readonly stepKey?: string;
  /** Set when the event names its asset; otherwise derived from the step at run end. */
  readonly assetKey?: string;
  readonly partition?: string;
  /** Extra tags specific to the point (`check:no_nulls`, `passed:false`). */
  readonly extraTags?: readonly string[];
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/** The points one event yields; events that measure nothing yield none. */
export function pointsFromEvent(event: OrchEvent): RawPoint[] {
  const ts = seconds(event.timestamp);
  switch (event.type) {
    case "STEP_SUCCESS":
    case "STEP_FAILURE": {
      const outcome = event.type === "STEP_SUCCESS" ? "step.success" : "step.failure";
      return [
        { metric: "step.duration", type: "gauge", value: event.durationMs / 1000, unit: "second", timestamp: ts, stepKey: event.stepKey },
        { metric: outcome, type: "count", value: 1, timestamp: ts, stepKey: event.stepKey },
      ];
    }
    case "STEP_RETRY":
      return [{ metric: "step.retry", type: "count", value: 1, timestamp: ts, stepKey: event.stepKey }];
    case "STEP_SKIPPED":
      return [{ metric: "step.skipped", type: "count", value: 1, timestamp: ts, stepKey: event.stepKey }];
    case "ASSET_MATERIALIZATION": {
      const asset = { assetKey: assetKeyToString(event.assetKey), ...(event.partition !== undefined ? { partition: event.partition } : {}) };
      const points: RawPoint[] = [{ metric: "asset.materialization", type: "count", value: 1, timestamp: ts, ...asset }];
      for (const [key, value] of Object.entries(event.metadata)) {
        // Numeric metadata (row counts, bytes, durations) become gauges; text, tables and links do not.
        if (typeof value === "number" && Number.isFinite(value)) {
          points.push({ metric: `asset.metadata.${key}`, type: "gauge", value, timestamp: ts, ...asset });
        }
      }
      return points;
    }
    case "ASSET_CHECK_EVALUATION":
      return [
        {
          metric: "asset_check.evaluation",
          type: "count",
          value: 1,
          timestamp: ts,
          assetKey: assetKeyToString(event.assetKey),
          ...(event.partition !== undefined ? { partition: event.partition } : {}),
          extraTags: [`check:${event.checkName}`, `passed:${event.passed}`, `severity:${event.severity}`],
        },
      ];
    case "RUN_SUCCESS":
    case "RUN_FAILURE":
    case "RUN_CANCELED": {
      const status = event.type.slice(4).toLowerCase();
      return [
        { metric: "run.duration", type: "gauge", value: event.durationMs / 1000, unit: "second", timestamp: ts, extraTags: [`status:${status}`] },
        { metric: `run.${status}`, type: "count", value: 1, timestamp: ts },
      ];
    }
    default:
      return [];
  }
}
