import { assetKeyToString } from "../asset-key.ts";
import { assertValidPartitionKey } from "../partitions/partition-key-rules.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import type { OrchEvent, OrchEventType, StoredEvent } from "../events.ts";
import type { RunRecord, RunUpdate } from "../run-record.ts";
import type { AssetEventQuery, EventQuery, InstanceStorage, RunFilter } from "../storage.ts";
import { ASSET_EVENT_TYPES, MemoryAssetIndex } from "./memory-asset-index.ts";
import { DEFAULT_RUN_LIMIT, runMatchesFilter } from "./run-filter.ts";
import { firstAfter, memoryAutomation } from "./memory-automation.ts";
import { assertRunTakesEvents, timerHeartbeat } from "./run-fence.ts";

/**
 * An instance storage that lives in process memory: for tests, benchmarks and one-off runs. Every write is
 * O(batch): events go to a per-run array and the asset index is a Map updated on append.
 */
export function memoryStorage(): InstanceStorage {
  /** Insertion order breaks `createdAt` ties in `listRuns`, so "newest first" is stable. */
  const runs = new Map<string, { record: RunRecord; order: number }>();
  const eventsByRun = new Map<string, StoredEvent[]>();
  const assetIndex = new MemoryAssetIndex();
  const heartbeats = new Map<string, number>();
  const dynamicPartitions = new Map<string, Set<string>>();
  const state = new Map<string, string>();
  let nextEventId = 1;
  let runOrder = 0;
  /** Every event in id order, for reads across runs (sensors). */
  let log: StoredEvent[] = [];
  let closed = false;

  function open(): void {
    if (closed) throw new OrchError(ErrorCode.STORAGE_ERROR, "The in-memory instance storage is closed.");
  }

  function append(events: readonly OrchEvent[]): void {
    for (const event of events) {
      const stored = { ...event, id: nextEventId++ } as StoredEvent;
      let runEvents = eventsByRun.get(event.runId);
      if (runEvents === undefined) {
        runEvents = [];
        eventsByRun.set(event.runId, runEvents);
      }
      runEvents.push(stored);
      log.push(stored);
      if (ASSET_EVENT_TYPES.has(stored.type) && "assetKey" in stored) {
        assetIndex.add(assetKeyToString(stored.assetKey), stored);
      } else if (stored.type === "STEP_FAILURE" && stored.failedPartitions) assetIndex.fail(stored);
    }
  }

  const automation = memoryAutomation({ runs, nextRunOrder: () => runOrder++, append, log: () => log, open });

  return {
    name: "memory",
    ...automation,

    async createRun(run: RunRecord): Promise<void> {
      open();
      if (runs.has(run.runId)) {
        throw new OrchError(ErrorCode.STORAGE_ERROR, `Run "${run.runId}" already exists; run ids must be unique.`);
      }
      runs.set(run.runId, { record: { ...run }, order: runOrder++ });
    },

    async updateRun(runId: string, update: RunUpdate): Promise<void> {
      open();
      const entry = runs.get(runId);
      if (entry === undefined) throw new OrchError(ErrorCode.UNKNOWN_RUN, `Cannot update run "${runId}": no such run.`);
      entry.record = { ...entry.record, ...update };
    },

    async getRun(runId: string): Promise<RunRecord | undefined> {
      open();
      return runs.get(runId)?.record;
    },

    async listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
      open();
      const matching = [...runs.values()].filter((entry) => runMatchesFilter(entry.record, filter));
      matching.sort((a, b) => b.record.createdAt - a.record.createdAt || b.order - a.order);
      return matching.slice(0, filter.limit ?? DEFAULT_RUN_LIMIT).map((entry) => entry.record);
    },

    async deleteRuns(runIds: readonly string[]): Promise<number> {
      open();
      const gone = new Set<string>();
      let removed = 0;
      for (const runId of new Set(runIds)) {
        if (runs.delete(runId)) removed++;
        // Events may exist for a run that was never created (emitted before createRun); drop them too.
        eventsByRun.delete(runId);
        heartbeats.delete(runId);
        gone.add(runId);
      }
      assetIndex.forgetRuns(gone);
      log = log.filter((event) => !gone.has(event.runId));
      return removed;
    },

    async appendEvents(events: readonly OrchEvent[]): Promise<void> {
      open();
      for (const runId of new Set(events.map((e) => e.runId))) assertRunTakesEvents(runId, runs.get(runId)?.record.status);
      append(events);
    },

    async closeRun(runId, from, events, update) {
      open();
      const entry = runs.get(runId);
      if (entry === undefined || !from.includes(entry.record.status)) return false;
      assertRunTakesEvents(runId, entry.record.status);
      append(events);
      entry.record = { ...entry.record, ...update };
      return true;
    },

    async getEvents(runId: string, query: EventQuery = {}): Promise<StoredEvent[]> {
      open();
      const runEvents = eventsByRun.get(runId) ?? [];
      const start = query.afterId === undefined ? 0 : firstAfter(runEvents, query.afterId);
      const types = query.types === undefined ? undefined : new Set<OrchEventType>(query.types);
      const limit = query.limit ?? Number.POSITIVE_INFINITY;
      const result: StoredEvent[] = [];
      for (let i = start; i < runEvents.length && result.length < limit; i++) {
        const event = runEvents[i]!;
        if (types === undefined || types.has(event.type)) result.push(event);
      }
      return result;
    },

    async getAssetEvents(
      assetKey: string,
      types: readonly OrchEventType[],
      query: AssetEventQuery = {},
    ): Promise<StoredEvent[]> {
      open();
      const wanted = new Set<OrchEventType>(types);
      const limit = query.limit ?? Number.POSITIVE_INFINITY;
      const history = assetIndex.events(assetKey);
      const descending = query.descending ?? true;
      const result: StoredEvent[] = [];
      for (let n = 0; n < history.length && result.length < limit; n++) {
        const event = history[descending ? history.length - 1 - n : n]!;
        if (!wanted.has(event.type)) continue;
        if (query.partition !== undefined && !("partition" in event && event.partition === query.partition)) continue;
        result.push(event);
      }
      return result;
    },

    async getAssetIndex(assetKeys, options = {}) {
      open();
      return assetIndex.entries(assetKeys, options.byPartition ?? false);
    },

    async getFailedPartitions(assetKeys) {
      open();
      return assetIndex.failed(assetKeys);
    },

    async getPartitionStatusCounts(assetKeys) {
      open();
      return assetIndex.statusCounts(assetKeys);
    },

    async getLatestCheckResults(assetKeys) {
      open();
      return assetIndex.latestChecks(assetKeys);
    },

    async wipeAsset(assetKey: string): Promise<void> {
      open();
      assetIndex.wipe(assetKey);
    },

    async setHeartbeat(runId: string, at: number): Promise<void> {
      open();
      heartbeats.set(runId, at);
    },

    async getHeartbeat(runId: string): Promise<number | undefined> {
      open();
      return heartbeats.get(runId);
    },

    startHeartbeat(runId: string, intervalMs: number) {
      open();
      return timerHeartbeat(async (at) => void (closed || heartbeats.set(runId, at)), intervalMs);
    },

    async getDynamicPartitions(name: string): Promise<string[]> {
      open();
      return [...(dynamicPartitions.get(name) ?? [])];
    },

    async addDynamicPartitions(name: string, keys: readonly string[]): Promise<void> {
      open();
      let existing = dynamicPartitions.get(name);
      if (existing === undefined) {
        existing = new Set();
        dynamicPartitions.set(name, existing);
      }
      for (const key of keys) assertValidPartitionKey(key, `Dynamic partitions "${name}"`);
      for (const key of keys) existing.add(key);
    },

    async deleteDynamicPartition(name: string, key: string): Promise<void> {
      open();
      dynamicPartitions.get(name)?.delete(key);
    },

    async getState(namespace: string, key: string): Promise<string | undefined> {
      open();
      return state.get(`${namespace}\u0000${key}`);
    },

    async setState(namespace: string, key: string, value: string | undefined): Promise<void> {
      open();
      const compound = `${namespace}\u0000${key}`;
      if (value === undefined) state.delete(compound);
      else state.set(compound, value);
    },

    async close(): Promise<void> {
      closed = true;
    },
  };
}
