import { assetKeyToString, type AssetKey } from "@orch/core";

/** QUERY_TAG as JSON, so Query History can be filtered by run and asset: `{"orch_run_id":"…","orch_asset":"a/b"}`. */
export function queryTagFor(userTag: string | undefined, runId: string | undefined, assetKey: AssetKey | undefined): string | undefined {
  if (userTag === undefined && runId === undefined && assetKey === undefined) return undefined;
  return JSON.stringify({
    ...(runId !== undefined ? { orch_run_id: runId } : {}),
    ...(assetKey !== undefined ? { orch_asset: assetKeyToString(assetKey) } : {}),
    ...(userTag !== undefined ? { tag: userTag } : {}),
  });
}
