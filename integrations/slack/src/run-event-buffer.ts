import type { OrchEvent } from "@orch/core";
import { SUMMARY_EVENT_TYPES } from "./run-summary.ts";

/** Per-run memory cap: a run with thousands of failing steps still alerts, with the first ones shown. */
const MAX_EVENTS_PER_RUN = 200;

/** Keeps the few events a run summary needs, per run, until the run ends. */
export class RunEventBuffer {
  readonly #runs = new Map<string, OrchEvent[]>();

  add(event: OrchEvent): void {
    if (!SUMMARY_EVENT_TYPES.has(event.type)) return;
    let events = this.#runs.get(event.runId);
    if (!events) this.#runs.set(event.runId, (events = []));
    // Run-level events always fit: they carry the failed-step list and the duration.
    if (events.length < MAX_EVENTS_PER_RUN || event.type.startsWith("RUN_")) events.push(event);
  }

  /** Returns and forgets the run's events. */
  take(runId: string): OrchEvent[] {
    const events = this.#runs.get(runId) ?? [];
    this.#runs.delete(runId);
    return events;
  }
}
