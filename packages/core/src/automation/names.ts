import { ErrorCode, OrchError } from "../errors.ts";
import type { AutomationStatus } from "./types.ts";

/** Tags every run requested by a schedule or sensor carries, so runs can be traced back to their tick. */
export const AUTOMATION_TAGS = { schedule: "orch/schedule", sensor: "orch/sensor", scheduledTime: "orch/scheduled-time" } as const;

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Names key ticks, cursors and CLI arguments, so they are kept to shell- and path-safe characters. */
export function checkAutomationName(factory: string, name: unknown): string {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new OrchError(ErrorCode.INVALID_DEFINITION, `${factory}() needs a name of letters, digits, "_", "-" and "." (got ${JSON.stringify(name)}).`);
  }
  return name;
}

export function checkStatus(owner: string, status: unknown): AutomationStatus {
  if (status !== "running" && status !== "stopped") {
    throw new OrchError(ErrorCode.INVALID_DEFINITION, `${owner}: defaultStatus must be "running" or "stopped", got ${JSON.stringify(status)}.`);
  }
  return status;
}
