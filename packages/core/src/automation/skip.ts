import type { SkipReason } from "./types.ts";

/** Returned by a schedule or sensor function to record a skipped tick with a reason. */
export function skip(message: string): SkipReason {
  return { kind: "orch.skip", message };
}

export function isSkipReason(value: unknown): value is SkipReason {
  return typeof value === "object" && value !== null && (value as SkipReason).kind === "orch.skip";
}
