import { assetKeyToString, type OrchEvent } from "@orch/core";
import { pointsFromEvent, type RawPoint } from "./points-from-events.ts";

/** What one run has measured so far. */
export interface RunMetrics {
  readonly points: RawPoint[];
  /** Step key → asset keys it materialized, to tag step metrics with their assets. */
  readonly stepAssets: Map<string, Set<string>>;
  partitionKey?: string;
  /** Points refused because the buffer was full. */
  dropped: number;
}

/**
 * Points of all running runs, capped at `maxPoints` in total so memory stays bounded however large a run is;
 * past the cap points are counted as dropped and reported when the run ends.
 */
export class MetricBuffer {
  readonly #runs = new Map<string, RunMetrics>();
  readonly #maxPoints: number;
  #size = 0;

  constructor(maxPoints: number) {
    this.#maxPoints = maxPoints;
  }

  add(event: OrchEvent): void {
    const run = this.#run(event.runId);
    if (event.type === "RUN_START" && event.partitionKey !== undefined) run.partitionKey = event.partitionKey;
    if (event.type === "ASSET_MATERIALIZATION" && event.stepKey !== undefined) {
      let assets = run.stepAssets.get(event.stepKey);
      if (!assets) run.stepAssets.set(event.stepKey, (assets = new Set()));
      assets.add(assetKeyToString(event.assetKey));
    }
    for (const point of pointsFromEvent(event)) {
      if (this.#size >= this.#maxPoints) {
        run.dropped++;
        continue;
      }
      run.points.push(point);
      this.#size++;
    }
  }

  /** Returns and forgets a run's points. */
  take(runId: string): RunMetrics {
    const run = this.#runs.get(runId) ?? { points: [], stepAssets: new Map(), dropped: 0 };
    this.#runs.delete(runId);
    this.#size -= run.points.length;
    return run;
  }

  get size(): number {
    return this.#size;
  }

  #run(runId: string): RunMetrics {
    let run = this.#runs.get(runId);
    if (!run) this.#runs.set(runId, (run = { points: [], stepAssets: new Map(), dropped: 0 }));
    return run;
  }
}
