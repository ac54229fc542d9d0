import type { RunRecord } from "../run-record.ts";

/**
 * Starts claimed runs (status STARTING). `launch` returns once the run is on its way, not when it ends; the run
 * itself moves to STARTED and then to its end status.
 */
export interface RunLauncher {
  readonly name: string;
  launch(run: RunRecord): Promise<void>;
  /** Asks a run this launcher started to cancel (a signal to its process); false when it is not one of them. */
  cancel(runId: string): boolean;
  /** Ids of the runs this launcher started that have not ended. */
  running(): string[];
  /** Waits for every started run to end (SIGTERM of the daemon leaves process runs going; tests drain). */
  drain?(): Promise<void>;
  /** Calls `listener` each time a run it started ends: the daemon's queue then fills the freed slot at once. */
  onRunEnded?(listener: () => void): void;
}
