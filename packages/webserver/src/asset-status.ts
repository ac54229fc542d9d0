import type { AssetIndexEntry, Definitions, InstanceStorage, RunRecord } from "@orch/core";

export type AssetStatus = "never" | "fresh" | "stale" | "failed" | "running";

/** How many recent runs the status looks at for "running" and "failed" (older failures are superseded anyway). */
const RECENT_RUNS = 500;

export interface AssetState {
  readonly status: AssetStatus;
  readonly lastMaterializedAt?: number;
  readonly lastRunId?: string;
}

/**
 * Each asset's status, computed on the server in one pass: running (a run that is not finished includes it),
 * failed (the newest finished run that included it failed after its last materialization), never materialized,
 * stale (an upstream asset was materialized after it) or fresh.
 */
export async function assetStates(definitions: Definitions, instance: InstanceStorage): Promise<Map<string, AssetState>> {
  const index = new Map<string, AssetIndexEntry>();
  for (const entry of await instance.getAssetIndex()) if (entry.partition === null) index.set(entry.assetKey, entry);
  const lastAt = (id: string) => index.get(id)?.lastMaterialization?.timestamp;
  const runs = await instance.listRuns({ limit: RECENT_RUNS });
  const running = new Set<string>();
  const newestFinished = new Map<string, RunRecord>();
  for (const run of runs) {
    const active = run.status === "QUEUED" || run.status === "STARTING" || run.status === "STARTED" || run.status === "CANCELING";
    for (const key of run.assetKeys) {
      if (active && run.status !== "QUEUED") running.add(key);
      else if (!active && !newestFinished.has(key)) newestFinished.set(key, run);
    }
  }
  const out = new Map<string, AssetState>();
  for (const id of definitions.graph.keys()) {
    const at = lastAt(id);
    const last = newestFinished.get(id);
    const base = { ...(at !== undefined ? { lastMaterializedAt: at } : {}), ...(last ? { lastRunId: last.runId } : {}) };
    let status: AssetStatus;
    if (running.has(id)) status = "running";
    else if (last && last.status === "FAILURE" && (at === undefined || (last.endedAt ?? last.createdAt) > at)) status = "failed";
    else if (at === undefined) status = "never";
    else status = definitions.graph.parents(id).some((p) => (lastAt(p) ?? 0) > at) ? "stale" : "fresh";
    out.set(id, { status, ...base });
  }
  return out;
}
