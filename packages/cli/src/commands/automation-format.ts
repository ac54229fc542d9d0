import type { StoredTick, TickResult } from "@orch/core";
import { formatTime } from "../format.ts";

/** A tick's run requests (or skip, or error) as `preview` prints them. */
export function describeTickResult(result: TickResult): string {
  const lines: string[] = [];
  if (result.error) lines.push(`Evaluation failed${result.error.timedOut ? " (timed out)" : ""}: ${result.error.message}`);
  else if (result.runRequests.length === 0) lines.push(`No runs requested${result.skipReason ? `: ${result.skipReason}` : "."}`);
  for (const request of result.runRequests) {
    const target = "job" in request.target ? `job ${request.target.job}` : `select ${request.target.selection}`;
    const partition = request.partitionKey ?? (request.partitionRange ? `${request.partitionRange.start}..${request.partitionRange.end}` : undefined);
    const tags = Object.entries(request.tags).map(([k, v]) => `${k}=${v}`).join(" ");
    lines.push(`- ${target}${partition ? ` partition ${partition}` : ""}${request.runKey ? ` runKey ${request.runKey}` : ""}${tags ? ` tags ${tags}` : ""}`);
  }
  if (result.cursor !== undefined) lines.push(`cursor after: ${result.cursor}`);
  for (const log of result.logs) lines.push(`[${log.level}] ${log.message}`);
  lines.push("(preview: nothing was launched and no cursor was committed)");
  return lines.join("\n") + "\n";
}

/** A tick in one line of `orch ticks` / `list` tables. */
export function tickSummary(tick: StoredTick | undefined): string {
  if (tick === undefined) return "-";
  return `${formatTime(tick.timestamp)} ${tick.status}`;
}

export function tickDetail(tick: StoredTick): string {
  if (tick.status === "failure") return tick.error?.message ?? "failed";
  if (tick.runIds.length > 0) return `runs ${tick.runIds.join(", ")}`;
  return tick.skipReason ?? "";
}
