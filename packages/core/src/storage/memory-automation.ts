import { assetKeyToString } from "../asset-key.ts";
import type {
  AutomationStorage,
  BackfillRecord,
  DaemonHeartbeat,
  DaemonLockHolder,
  InstigatorState,
  StoredTick,
} from "../automation-storage.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import type { OrchEvent, OrchEventType, StoredEvent } from "../events.ts";
import type { RunRecord } from "../run-record.ts";

/** What the memory storage shares with its automation half. */
export interface MemoryInternals {
  readonly runs: Map<string, { record: RunRecord; order: number }>;
  nextRunOrder(): number;
  /** Appends synchronously (the queue's writes must not interleave with other callers). */
  append(events: readonly OrchEvent[]): void;
  /** Every stored event in id order. */
  log(): readonly StoredEvent[];
  open(): void;
}

/** First index in an id-ordered array whose id is greater than `afterId` (binary search: tailing stays cheap). */
export function firstAfter(events: readonly StoredEvent[], afterId: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (events[mid]!.id <= afterId) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function memoryAutomation(internals: MemoryInternals): AutomationStorage {
  const { runs, open } = internals;
  const runKeys = new Map<string, string>();
  const ticks: StoredTick[] = [];
  const instigators = new Map<string, InstigatorState>();
  const backfills = new Map<string, { record: BackfillRecord; order: number }>();
  const heartbeats = new Map<string, DaemonHeartbeat>();
  let lock: DaemonLockHolder | undefined;
  let nextTickId = 1;
  let backfillOrder = 0;
  const keyOf = (instigator: string, key: string) => `${instigator}\u0000${key}`;

  return {
    async enqueueRuns(requests) {
      open();
      for (const { run } of requests) {
        if (runs.has(run.runId)) throw new OrchError(ErrorCode.STORAGE_ERROR, `Run "${run.runId}" already exists; run ids must be unique.`);
      }
      const outcomes = [];
      const events: OrchEvent[] = [];
      for (const { run, runKey } of requests) {
        if (runKey !== undefined) {
          const existing = runKeys.get(keyOf(runKey.instigator, runKey.key));
          if (existing !== undefined) {
            outcomes.push({ runId: existing, created: false });
            continue;
          }
          runKeys.set(keyOf(runKey.instigator, runKey.key), run.runId);
        }
        runs.set(run.runId, { record: { ...run, status: "QUEUED" }, order: internals.nextRunOrder() });
        events.push({ type: "RUN_ENQUEUED", runId: run.runId, timestamp: run.createdAt });
        outcomes.push({ runId: run.runId, created: true });
      }
      internals.append(events);
      return outcomes;
    },

    async getRunIdForKey(instigator, runKey) {
      open();
      return runKeys.get(keyOf(instigator, runKey));
    },

    async getQueuedRuns(limit = Number.MAX_SAFE_INTEGER) {
      open();
      const queued = [...runs.values()].filter((entry) => entry.record.status === "QUEUED");
      queued.sort((a, b) => a.record.createdAt - b.record.createdAt || a.order - b.order);
      return queued.slice(0, limit).map((entry) => entry.record);
    },

    async transitionRun(runId, from, update) {
      open();
      const entry = runs.get(runId);
      if (entry === undefined || !from.includes(entry.record.status)) return false;
      entry.record = { ...entry.record, ...update };
      return true;
    },

    async addTicks(records) {
      open();
      return records.map((tick) => {
        const stored = { ...tick, id: nextTickId++ };
        ticks.push(stored);
        return stored.id;
      });
    },

    async getTicks(instigator, options = {}) {
      open();
      const limit = options.limit ?? 100;
      const result: StoredTick[] = [];
      for (let i = ticks.length - 1; i >= 0 && result.length < limit; i--) {
        const tick = ticks[i]!;
        if (tick.instigator !== instigator) continue;
        if (options.before !== undefined && !(tick.timestamp < options.before)) continue;
        result.push(tick);
      }
      return result.sort((a, b) => b.timestamp - a.timestamp || b.id - a.id);
    },

    async deleteTicksBefore(timestamp) {
      open();
      const before = ticks.length;
      const kept = ticks.filter((tick) => tick.timestamp >= timestamp);
      ticks.splice(0, ticks.length, ...kept);
      return before - kept.length;
    },

    async getInstigatorState(name) {
      open();
      return instigators.get(name);
    },

    async listInstigatorStates() {
      open();
      return [...instigators.values()].sort((a, b) => a.name.localeCompare(b.name));
    },

    async setInstigatorStates(states) {
      open();
      for (const state of states) instigators.set(state.name, { ...state });
    },

    async createBackfill(backfill) {
      open();
      if (backfills.has(backfill.backfillId)) {
        throw new OrchError(ErrorCode.STORAGE_ERROR, `Backfill "${backfill.backfillId}" already exists; backfill ids must be unique.`);
      }
      backfills.set(backfill.backfillId, { record: { ...backfill }, order: backfillOrder++ });
    },

    async updateBackfill(backfillId, update) {
      open();
      const entry = backfills.get(backfillId);
      if (entry === undefined) throw new OrchError(ErrorCode.STORAGE_ERROR, `Cannot update backfill "${backfillId}": no such backfill.`);
      entry.record = { ...entry.record, ...update };
    },

    async getBackfill(backfillId) {
      open();
      return backfills.get(backfillId)?.record;
    },

    async listBackfills(options = {}) {
      open();
      const matching = [...backfills.values()].filter((entry) => options.statuses === undefined || options.statuses.includes(entry.record.status));
      matching.sort((a, b) => b.record.createdAt - a.record.createdAt || b.order - a.order);
      return matching.slice(0, options.limit ?? 100).map((entry) => entry.record);
    },

    async acquireDaemonLock(holder, staleAfterMs) {
      open();
      if (lock === undefined || lock.daemonId === holder.daemonId || holder.heartbeatAt - lock.heartbeatAt > staleAfterMs) {
        lock = { ...holder };
        return { acquired: true };
      }
      return { acquired: false, holder: lock };
    },

    async releaseDaemonLock(daemonId) {
      open();
      if (lock?.daemonId === daemonId) lock = undefined;
    },

    async getDaemonLock() {
      open();
      return lock;
    },

    async setDaemonHeartbeat(heartbeat) {
      open();
      heartbeats.set(heartbeat.loop, { ...heartbeat });
    },

    async getDaemonHeartbeats() {
      open();
      return [...heartbeats.values()].sort((a, b) => a.loop.localeCompare(b.loop));
    },

    async getMaterializationsAfter(query) {
      return this.getEventsAfter({ types: ["ASSET_MATERIALIZATION"], assetKeys: query.assetKeys, afterId: query.afterEventId ?? 0, ...(query.limit !== undefined ? { limit: query.limit } : {}) });
    },

    async getLatestEventId() {
      open();
      return internals.log().at(-1)?.id ?? 0;
    },

    async getEventsAfter(query) {
      open();
      const types = query.types === undefined ? undefined : new Set<OrchEventType>(query.types);
      const assets = query.assetKeys === undefined ? undefined : new Set(query.assetKeys);
      const limit = query.limit ?? 1_000;
      const log = internals.log();
      const result: StoredEvent[] = [];
      for (let i = firstAfter(log, query.afterId ?? 0); i < log.length && result.length < limit; i++) {
        const event = log[i]!;
        if (types !== undefined && !types.has(event.type)) continue;
        if (assets !== undefined && !("assetKey" in event && assets.has(assetKeyToString(event.assetKey)))) continue;
        result.push(event);
      }
      return result;
    },
  };
}
