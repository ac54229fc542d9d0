import type { LogLevel, OrchEvent, SerializedError } from "@orch/core";

/** The `POST /api/v2/logs` item; extra attributes travel in `additionalProperties` and land at the top level. */
export interface LogItem {
  message: string;
  ddsource: string;
  service: string;
  ddtags?: string;
  hostname?: string;
  additionalProperties: Record<string, unknown>;
}

export interface LogItemSettings {
  readonly service: string;
  readonly source: string;
  /** Already joined: `env:prod,team:data`. */
  readonly ddtags?: string;
  readonly hostname?: string;
}

/** orch levels → Datadog's status attribute (syslog names). */
const STATUS: Record<LogLevel, string> = { debug: "debug", info: "info", warn: "warning", error: "error" };

/** The log line an event becomes, or undefined for events that are not logs (step failures and run ends are). */
export function logItemFromEvent(event: OrchEvent, settings: LogItemSettings): LogItem | undefined {
  switch (event.type) {
    case "LOG":
      return item(settings, event, STATUS[event.level], event.message, event.metadata ? { metadata: event.metadata } : {});
    case "STEP_FAILURE":
      return item(settings, event, "error", `Step ${event.stepKey} failed (attempt ${event.attempt}): ${event.error.message}`, { duration_ms: event.durationMs }, event.error);
    case "STEP_RETRY":
      return item(settings, event, "warning", `Step ${event.stepKey} will retry (attempt ${event.attempt} failed): ${event.error.message}`, {}, event.error);
    case "RUN_FAILURE":
      return item(settings, event, "error", `Run ${event.runId} failed: ${event.reason}`, { failed_steps: event.failedSteps, duration_ms: event.durationMs }, event.error);
    case "RUN_SUCCESS":
      return item(settings, event, "info", `Run ${event.runId} succeeded`, { duration_ms: event.durationMs });
    case "RUN_CANCELED":
      return item(settings, event, "warning", `Run ${event.runId} was canceled: ${event.reason}`, { duration_ms: event.durationMs });
    default:
      return undefined;
  }
}

function item(settings: LogItemSettings, event: OrchEvent, status: string, message: string, extra: Record<string, unknown>, error?: SerializedError): LogItem {
  return {
    message,
    ddsource: settings.source,
    service: settings.service,
    ...(settings.ddtags ? { ddtags: settings.ddtags } : {}),
    ...(settings.hostname ? { hostname: settings.hostname } : {}),
    additionalProperties: {
      status,
      date: new Date(event.timestamp).toISOString(),
      orch: { run_id: event.runId, event_type: event.type, ...(event.stepKey !== undefined ? { step_key: event.stepKey } : {}), ...extra },
      ...(error ? { error: errorAttributes(error) } : {}),
    },
  };
}

/** Datadog's standard error attributes (top level `error.*`), so error tracking views pick them up. */
function errorAttributes(error: SerializedError): Record<string, string> {
  return { kind: error.code ?? error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
}
