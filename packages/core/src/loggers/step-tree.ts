import type { OrchEvent } from "../events.ts";
import { formatDuration, type LineTone } from "./format-event.ts";

type StepState = "pending" | "running" | "succeeded" | "failed" | "skipped" | "retrying";

interface StepRow {
  state: StepState;
  startedAt?: number;
  durationMs?: number;
  attempt: number;
}

export interface TreeLine {
  readonly text: string;
  readonly tone: LineTone;
}

const ICON: Record<StepState, string> = { pending: "·", running: "▶", retrying: "↻", succeeded: "✓", failed: "✗", skipped: "-" };
const TONE: Record<StepState, LineTone> = { pending: "dim", running: "info", retrying: "warn", succeeded: "success", failed: "error", skipped: "warn" };
/** Past this many steps the tree shows only running and failed steps plus counts, so a redraw stays cheap. */
const FULL_TREE_LIMIT = 20;

/** The state behind the live step tree: one row per planned step, updated from run events. */
export class StepTree {
  readonly #steps = new Map<string, StepRow>();
  #runId = "";
  #runStartedAt = 0;
  #runDone = false;

  get active(): boolean {
    return this.#steps.size > 0 && !this.#runDone;
  }

  update(event: OrchEvent): void {
    if (event.type === "RUN_START") {
      this.#runId = event.runId;
      this.#runStartedAt = event.timestamp;
      this.#runDone = false;
      this.#steps.clear();
      for (const key of event.stepKeys) this.#steps.set(key, { state: "pending", attempt: 0 });
      return;
    }
    if (event.type === "RUN_SUCCESS" || event.type === "RUN_FAILURE" || event.type === "RUN_CANCELED") {
      this.#runDone = true;
      return;
    }
    if (!event.stepKey) return;
    const row = this.#steps.get(event.stepKey) ?? { state: "pending" as StepState, attempt: 0 };
    this.#steps.set(event.stepKey, row);
    switch (event.type) {
      case "STEP_START":
        row.state = "running";
        row.attempt = event.attempt;
        row.startedAt ??= event.timestamp;
        break;
      case "STEP_RETRY":
        row.state = "retrying";
        break;
      case "STEP_SUCCESS":
        row.state = "succeeded";
        row.durationMs = event.durationMs;
        break;
      case "STEP_FAILURE":
        row.state = "failed";
        row.durationMs = event.durationMs;
        break;
      case "STEP_SKIPPED":
        row.state = "skipped";
        break;
      default:
        break;
    }
  }

  /** The tree as lines: a run header, then `├─`/`└─` rows with state, key and duration. */
  render(now: number): TreeLine[] {
    const rows = [...this.#steps];
    const counts = new Map<StepState, number>();
    for (const [, row] of rows) counts.set(row.state, (counts.get(row.state) ?? 0) + 1);
    const done = (counts.get("succeeded") ?? 0) + (counts.get("failed") ?? 0) + (counts.get("skipped") ?? 0);
    const header: TreeLine = {
      text: `run ${this.#runId.slice(0, 8)}  ${done}/${rows.length} steps  ${formatDuration(now - this.#runStartedAt)}`,
      tone: "info",
    };
    const shown = rows.length <= FULL_TREE_LIMIT ? rows : rows.filter(([, r]) => r.state === "running" || r.state === "retrying" || r.state === "failed");
    const lines: TreeLine[] = [header];
    const hidden = rows.length - shown.length;
    shown.forEach(([key, row], i) => {
      const last = i === shown.length - 1 && hidden === 0;
      const duration = row.durationMs !== undefined ? formatDuration(row.durationMs) : row.startedAt !== undefined ? formatDuration(now - row.startedAt) : "";
      const attempt = row.attempt > 1 ? ` (attempt ${row.attempt})` : "";
      lines.push({ text: `${last ? "└─" : "├─"} ${ICON[row.state]} ${key}${attempt}${duration ? `  ${duration}` : ""}`, tone: TONE[row.state] });
    });
    if (hidden > 0) {
      const summary = (["succeeded", "failed", "skipped", "pending"] as const)
        .filter((s) => counts.get(s))
        .map((s) => `${counts.get(s)} ${s}`)
        .join(", ");
      lines.push({ text: `└─ ${summary}`, tone: "dim" });
    }
    return lines;
  }
}
