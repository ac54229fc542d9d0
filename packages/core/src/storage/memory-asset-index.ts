import type { StoredEvent } from "../events.ts";
import type { AssetIndexEntry } from "../storage.ts";

/** Event types that belong to an asset's history (and so to `getAssetEvents`). */
export const ASSET_EVENT_TYPES: ReadonlySet<string> = new Set([
  "ASSET_MATERIALIZATION",
  "ASSET_OBSERVATION",
  "ASSET_CHECK_EVALUATION",
]);

interface Latest {
  materialization?: StoredEvent;
  observation?: StoredEvent;
}

interface AssetHistory {
  /** Every asset event of this asset, in log order (ids increasing). */
  readonly events: StoredEvent[];
  readonly overall: Latest;
  readonly byPartition: Map<string | null, Latest>;
}

function partitionOf(event: StoredEvent): string | null {
  return "partition" in event && event.partition !== undefined ? event.partition : null;
}

function remember(latest: Latest, event: StoredEvent): void {
  if (event.type === "ASSET_MATERIALIZATION") latest.materialization = event;
  else if (event.type === "ASSET_OBSERVATION") latest.observation = event;
}

function toEntry(assetKey: string, partition: string | null, latest: Latest): AssetIndexEntry {
  return {
    assetKey,
    partition,
    ...(latest.materialization ? { lastMaterialization: latest.materialization } : {}),
    ...(latest.observation ? { lastObservation: latest.observation } : {}),
  };
}

/** Per-asset history and the latest materialization/observation, updated as events are appended. */
export class MemoryAssetIndex {
  readonly #assets = new Map<string, AssetHistory>();

  /** Records one asset event; `event` must carry a newer id than any recorded before. */
  add(assetKey: string, event: StoredEvent): void {
    let history = this.#assets.get(assetKey);
    if (history === undefined) {
      history = { events: [], overall: {}, byPartition: new Map() };
      this.#assets.set(assetKey, history);
    }
    history.events.push(event);
    if (event.type === "ASSET_CHECK_EVALUATION") return;
    remember(history.overall, event);
    const partition = partitionOf(event);
    let latest = history.byPartition.get(partition);
    if (latest === undefined) {
      latest = {};
      history.byPartition.set(partition, latest);
    }
    remember(latest, event);
  }

  events(assetKey: string): readonly StoredEvent[] {
    return this.#assets.get(assetKey)?.events ?? [];
  }

  wipe(assetKey: string): void {
    this.#assets.delete(assetKey);
  }

  /** Drops the events of deleted runs and recomputes the latest entries of the assets they touched. */
  forgetRuns(runIds: ReadonlySet<string>): void {
    for (const [assetKey, history] of this.#assets) {
      if (!history.events.some((event) => runIds.has(event.runId))) continue;
      const kept = history.events.filter((event) => !runIds.has(event.runId));
      this.#assets.delete(assetKey);
      for (const event of kept) this.add(assetKey, event);
    }
  }

  entries(assetKeys: readonly string[] | undefined, byPartition: boolean): AssetIndexEntry[] {
    const keys = assetKeys ?? [...this.#assets.keys()];
    const result: AssetIndexEntry[] = [];
    for (const assetKey of keys) {
      const history = this.#assets.get(assetKey);
      if (history === undefined) continue;
      if (!byPartition) {
        if (history.overall.materialization || history.overall.observation) {
          result.push(toEntry(assetKey, null, history.overall));
        }
        continue;
      }
      for (const [partition, latest] of history.byPartition) result.push(toEntry(assetKey, partition, latest));
    }
    return result;
  }
}
