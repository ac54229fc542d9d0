import type { AssetIndexEntry, Definitions, InstanceStorage, LatestCheckResult, RunRecord } from "@orch/core";

export type AssetStatus = "never" | "fresh" | "stale" | "failed" | "running" | "check_failed" | "check_warned";

/** How many recent runs the status looks at for "running" and "failed" (older failures are superseded anyway). */
const RECENT_RUNS = 500;

/** The latest evaluation of each of an asset's checks, counted; the names of those failing (error) and warning. */
export interface CheckSummary {
  readonly passed: number;
  readonly failed: number;
  readonly warned: number;
  readonly failing: readonly string[];
  readonly warning: readonly string[];
}

export interface AssetState {
  readonly status: AssetStatus;
  readonly lastMaterializedAt?: number;
  readonly lastRunId?: string;
  readonly checks?: CheckSummary;
}

/**
 * Each asset's status, computed on the server in one pass: running (a run that is not finished includes it),
 * failed (the newest finished run that included it failed after its last materialization), never materialized,
 * check_failed / check_warned (a check of its latest materialization failed at error / warn severity), stale (an
 * upstream asset was materialized after it) or fresh.
 */
export async function assetStates(definitions: Definitions, instance: InstanceStorage): Promise<Map<string, AssetState>> {
  const index = new Map<string, AssetIndexEntry>();
  const [entries, runs, evaluations] = await Promise.all([instance.getAssetIndex(), instance.listRuns({ limit: RECENT_RUNS }), instance.getLatestCheckResults()]);
  for (const entry of entries) if (entry.partition === null) index.set(entry.assetKey, entry);
  const lastAt = (id: string) => index.get(id)?.lastMaterialization?.timestamp;
  const running = new Set<string>();
  const newestFinished = new Map<string, RunRecord>();
  for (const run of runs) {
    const active = run.status === "QUEUED" || run.status === "STARTING" || run.status === "STARTED" || run.status === "CANCELING";
    for (const key of run.assetKeys) {
      if (active && run.status !== "QUEUED") running.add(key);
      else if (!active && !newestFinished.has(key)) newestFinished.set(key, run);
    }
  }
  const checksByAsset = new Map<string, LatestCheckResult[]>();
  for (const evaluation of evaluations) {
    const id = evaluation.assetKey;
    const list = checksByAsset.get(id);
    if (list) list.push(evaluation);
    else checksByAsset.set(id, [evaluation]);
  }
  const out = new Map<string, AssetState>();
  for (const id of definitions.graph.keys()) {
    const at = lastAt(id);
    const last = newestFinished.get(id);
    const checks = checksByAsset.get(id);
    const summary = checks ? summarize(checks) : undefined;
    const base = { ...(at !== undefined ? { lastMaterializedAt: at } : {}), ...(last ? { lastRunId: last.runId } : {}), ...(summary ? { checks: summary } : {}) };
    const current = checks ? failingOnLatest(checks, index.get(id)) : undefined;
    let status: AssetStatus;
    if (running.has(id)) status = "running";
    else if (last && last.status === "FAILURE" && (at === undefined || (last.endedAt ?? last.createdAt) > at)) status = "failed";
    else if (at === undefined) status = "never";
    else if (current === "error") status = "check_failed";
    else if (current === "warn") status = "check_warned";
    else status = definitions.graph.parents(id).some((p) => (lastAt(p) ?? 0) > at) ? "stale" : "fresh";
    out.set(id, { status, ...base });
  }
  return out;
}

function summarize(checks: readonly LatestCheckResult[]): CheckSummary {
  const failing = checks.filter((c) => !c.passed && c.severity === "error").map((c) => c.checkName);
  const warning = checks.filter((c) => !c.passed && c.severity === "warn").map((c) => c.checkName);
  return { passed: checks.filter((c) => c.passed).length, failed: failing.length, warned: warning.length, failing, warning };
}

/** The worst severity among failed checks evaluated for the latest materialization (in its run, or after it). */
function failingOnLatest(checks: readonly LatestCheckResult[], entry: AssetIndexEntry | undefined): "error" | "warn" | undefined {
  const latest = entry?.lastMaterialization;
  if (latest === undefined) return undefined;
  const current = checks.filter((c) => !c.passed && (c.runId === latest.runId || c.eventId > latest.id));
  return current.some((c) => c.severity === "error") ? "error" : current.length > 0 ? "warn" : undefined;
}
