import type { EventOf, StoredEvent } from "../events.ts";
import type { AssetIndexEntry, FailedPartition, LatestCheckResult, PartitionStatusCounts } from "../storage.ts";

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
  /** The latest STEP_FAILURE naming each partition (failed only while newer than the partition's materialization). */
  readonly failures: Map<string, FailedPartition & { readonly id: number }>;
  /** The latest evaluation per check name. */
  readonly checks: Map<string, LatestCheckResult>;
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
    const history = this.#history(assetKey);
    history.events.push(event);
    if (event.type === "ASSET_CHECK_EVALUATION") {
      const { checkName, passed, severity, runId, id: eventId, timestamp } = event;
      history.checks.set(checkName, { assetKey, checkName, passed, severity, runId, eventId, timestamp });
      return;
    }
    remember(history.overall, event);
    const partition = partitionOf(event);
    let latest = history.byPartition.get(partition);
    if (latest === undefined) {
      latest = {};
      history.byPartition.set(partition, latest);
    }
    remember(latest, event);
  }

  /** Records the partitions a failed step names (`failedPartitions`) as failed, until materialized again. */
  fail(event: EventOf<"STEP_FAILURE"> & { readonly id: number }): void {
    for (const assetKey of event.failedPartitions?.assetKeys ?? []) {
      const failures = this.#history(assetKey).failures;
      for (const partition of event.failedPartitions!.partitions) {
        failures.set(partition, { assetKey, partition, runId: event.runId, timestamp: event.timestamp, id: event.id });
      }
    }
  }

  #history(assetKey: string): AssetHistory {
    let history = this.#assets.get(assetKey);
    if (history === undefined) {
      history = { events: [], overall: {}, byPartition: new Map(), failures: new Map(), checks: new Map() };
      this.#assets.set(assetKey, history);
    }
    return history;
  }

  /** Failed partitions of the assets (all when undefined), by asset key then partition key. */
  failed(assetKeys: readonly string[] | undefined): FailedPartition[] {
    const out: FailedPartition[] = [];
    for (const assetKey of [...(assetKeys ?? this.#assets.keys())].sort()) {
      const history = this.#assets.get(assetKey);
      if (history === undefined) continue;
      const failed = [...history.failures.values()].filter((f) => f.id > (history.byPartition.get(f.partition)?.materialization?.id ?? 0));
      failed.sort((a, b) => (a.partition < b.partition ? -1 : a.partition > b.partition ? 1 : 0));
      for (const { id: _id, ...failure } of failed) out.push(failure);
    }
    return out;
  }

  statusCounts(assetKeys: readonly string[] | undefined): PartitionStatusCounts[] {
    const failed = new Map<string, Set<string>>();
    for (const f of this.failed(assetKeys)) failed.set(f.assetKey, (failed.get(f.assetKey) ?? new Set()).add(f.partition));
    const out: PartitionStatusCounts[] = [];
    for (const assetKey of [...(assetKeys ?? this.#assets.keys())].sort()) {
      const history = this.#assets.get(assetKey);
      if (history === undefined) continue;
      const failing = failed.get(assetKey) ?? new Set<string>();
      let materialized = 0;
      for (const [partition, latest] of history.byPartition) if (partition !== null && latest.materialization && !failing.has(partition)) materialized++;
      if (materialized > 0 || failing.size > 0) out.push({ assetKey, materialized, failed: failing.size });
    }
    return out;
  }

  latestChecks(assetKeys: readonly string[] | undefined): LatestCheckResult[] {
    const out: LatestCheckResult[] = [];
    for (const assetKey of [...(assetKeys ?? this.#assets.keys())].sort()) {
      const checks = this.#assets.get(assetKey)?.checks;
      if (checks) for (const name of [...checks.keys()].sort()) out.push(checks.get(name)!);
    }
    return out;
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
      for (const [partition, failure] of history.failures) if (runIds.has(failure.runId)) history.failures.delete(partition);
      if (!history.events.some((event) => runIds.has(event.runId))) continue;
      const kept = history.events.filter((event) => !runIds.has(event.runId));
      this.#assets.delete(assetKey);
      for (const event of kept) this.add(assetKey, event);
      for (const [partition, failure] of history.failures) this.#history(assetKey).failures.set(partition, failure);
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
