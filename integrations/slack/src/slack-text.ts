import type { SerializedError } from "@orch/core";

/** Slack mrkdwn treats `&`, `<` and `>` as control characters; everything user-supplied goes through here. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Cuts text to `max` characters, marking the cut, so blocks stay under Slack's per-field limits. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** The first lines of an error's message (not its stack): what someone reading the alert needs first. */
export function errorFirstLines(error: SerializedError | undefined, maxLines = 5, maxChars = 600): string {
  if (!error) return "(no error details)";
  const head = error.code ? `${error.name} [${error.code}]` : error.name;
  const lines = error.message.split("\n").filter((line) => line.trim() !== "");
  const shown = lines.slice(0, maxLines);
  if (lines.length > maxLines) shown.push(`… ${lines.length - maxLines} more lines`);
  return truncate([`${head}: ${shown[0] ?? ""}`, ...shown.slice(1)].join("\n"), maxChars);
}

/** A mrkdwn link, or the bare label when there is no URL. */
export function link(label: string, url: string | undefined): string {
  return url ? `<${url}|${escapeMrkdwn(label)}>` : escapeMrkdwn(label);
}

export function formatDuration(ms: number | undefined): string | undefined {
  if (ms === undefined) return undefined;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}
