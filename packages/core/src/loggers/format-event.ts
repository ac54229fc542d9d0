import { assetKeyToString } from "../asset-key.ts";
import type { LogLevel, OrchEvent } from "../events.ts";
import type { Metadata } from "../metadata.ts";

/** `850ms`, `1.2s`, `2m 03s`: short enough for a progress line, precise where it matters. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes}m ${String(seconds).padStart(2, "0")}s`;
}

/** How a line is coloured in pretty mode. */
export type LineTone = "info" | "success" | "warn" | "error" | "dim";

export interface DescribedEvent {
  /** Who the line is about: `run` or the step key. */
  readonly subject: string;
  readonly text: string;
  readonly tone: LineTone;
}

const LEVEL_TONE: Record<LogLevel, LineTone> = { debug: "dim", info: "info", warn: "warn", error: "error" };

/**
 * One human line per event, the same words in plain and pretty mode. Returns undefined for events too chatty
 * for a console (type checks that passed, loaded inputs).
 */
export function describeEvent(event: OrchEvent): DescribedEvent | undefined {
  const step = event.stepKey ?? "run";
  switch (event.type) {
    case "RUN_ENQUEUED":
      return { subject: "run", text: `run ${event.runId} enqueued`, tone: "dim" };
    case "RUN_START":
      return {
        subject: "run",
        text: `run ${event.runId} started: ${plural(event.stepKeys.length, "step")}${event.partitionKey !== undefined ? `, partition ${event.partitionKey}` : ""}`,
        tone: "info",
      };
    case "RUN_SUCCESS":
      return { subject: "run", text: `run ${event.runId} succeeded in ${formatDuration(event.durationMs)}`, tone: "success" };
    case "RUN_FAILURE":
      return { subject: "run", text: `run ${event.runId} failed after ${formatDuration(event.durationMs)}: ${event.reason}`, tone: "error" };
    case "RUN_CANCELED":
      return { subject: "run", text: `run ${event.runId} canceled after ${formatDuration(event.durationMs)}: ${event.reason}`, tone: "warn" };
    case "STEP_START":
      return {
        subject: step,
        text: `${event.attempt > 1 ? `started (attempt ${event.attempt})` : "started"}${event.worker !== undefined ? ` on ${event.worker.host} (pid ${event.worker.pid})` : ""}`,
        tone: "dim",
      };
    case "STEP_SUCCESS":
      return { subject: step, text: `succeeded in ${formatDuration(event.durationMs)}`, tone: "success" };
    case "STEP_FAILURE":
      return { subject: step, text: `failed after ${formatDuration(event.durationMs)}: ${event.error.name}: ${event.error.message}`, tone: "error" };
    case "STEP_RETRY":
      return { subject: step, text: `attempt ${event.attempt} failed (${event.error.message}); retrying in ${formatDuration(event.delayMs)}`, tone: "warn" };
    case "STEP_SKIPPED":
      return { subject: step, text: `skipped: ${event.reason}`, tone: "warn" };
    case "STEP_INPUT_TYPE_CHECK":
    case "STEP_OUTPUT_TYPE_CHECK":
      if (event.success) return undefined;
      return {
        subject: step,
        text: `${event.type === "STEP_INPUT_TYPE_CHECK" ? "input" : "output"} "${event.name}" failed type check ${event.typeName}${event.description ? `: ${event.description}` : ""}`,
        tone: event.severity === "warn" ? "warn" : "error",
      };
    case "LOADED_INPUT":
      return undefined;
    case "HANDLED_OUTPUT":
      return undefined;
    case "ASSET_MATERIALIZATION":
      return { subject: step, text: `materialized ${assetKeyToString(event.assetKey)}${partitionSuffix(event.partition)}${metadataSuffix(event.metadata)}`, tone: "info" };
    case "ASSET_OBSERVATION":
      return { subject: step, text: `observed ${assetKeyToString(event.assetKey)}${partitionSuffix(event.partition)}${metadataSuffix(event.metadata)}`, tone: "info" };
    case "ASSET_CHECK_EVALUATION":
      return {
        subject: step,
        text: `check ${assetKeyToString(event.assetKey)}:${event.checkName} ${event.passed ? "passed" : `failed (${event.severity}${event.blocking ? ", blocking" : ""})`}${event.description ? `: ${event.description}` : ""}`,
        tone: event.passed ? "success" : event.severity === "warn" ? "warn" : "error",
      };
    case "LOG":
      return { subject: step, text: `${event.level.toUpperCase()} ${event.message}`, tone: LEVEL_TONE[event.level] };
    case "HOOK_COMPLETED":
      return { subject: step, text: `hook ${event.hook} completed`, tone: "dim" };
    case "HOOK_ERRORED":
      return { subject: step, text: `hook ${event.hook} failed: ${event.error?.message ?? "unknown error"}`, tone: "warn" };
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function partitionSuffix(partition: string | undefined): string {
  return partition !== undefined ? ` [${partition}]` : "";
}

/** The few scalar metadata entries worth a glance (row counts, sizes); paths and tables stay out of the line. */
function metadataSuffix(metadata: Metadata): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(metadata)) {
    if (parts.length === 3) break;
    if (typeof value === "number" || typeof value === "boolean") parts.push(`${key}=${value}`);
  }
  return parts.length ? ` (${parts.join(", ")})` : "";
}
