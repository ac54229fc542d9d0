import { assetKeyToString, type AssetKey } from "@orch/core";

/** Job labels for the run and asset (label values: lowercase letters, digits, `_` and `-`, at most 63 characters). */
export function jobLabels(runId: string | undefined, assetKey: AssetKey | undefined): Record<string, string> {
  const value = (text: string) => text.toLowerCase().replace(/[^a-z0-9_-]/g, "_").slice(0, 63);
  return { ...(runId !== undefined ? { orch_run_id: value(runId) } : {}), ...(assetKey !== undefined ? { orch_asset: value(assetKeyToString(assetKey)) } : {}) };
}
