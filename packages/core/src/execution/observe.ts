import { assetKeyToString, toAssetKey, type AssetKeyInput } from "../asset-key.ts";
import type { Definitions } from "../definitions.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import type { PlannedStep } from "../plan.ts";
import { resolveSelection } from "../selection/index.ts";
import { didYouMean } from "../suggest.ts";
import { materialize, type MaterializeOptions, type RunResult } from "./materialize.ts";

/**
 * Observes external assets: runs their `observe` functions as steps of one run, recording ASSET_OBSERVATION
 * events with metadata and data versions. Default selection: every external asset that can be observed.
 */
export async function observe(
  definitions: Definitions,
  options: Omit<MaterializeOptions, "plan" | "checks" | "selection"> & { selection?: string | readonly AssetKeyInput[] } = {},
): Promise<RunResult> {
  const graph = definitions.graph;
  const observable = graph.keys().filter((id) => graph.spec(id).external && graph.nodes.has(`${id}:observe`));
  let ids: string[];
  if (options.selection === undefined) ids = observable;
  else if (typeof options.selection === "string") ids = [...resolveSelection(graph, options.selection)].filter((id) => observable.includes(id));
  else {
    ids = options.selection.map((k) => assetKeyToString(toAssetKey(k)));
    for (const id of ids) {
      if (!observable.includes(id)) {
        throw new OrchError(
          ErrorCode.INVALID_SELECTION,
          graph.has(id) ? `Asset "${id}" has no observe function: only external assets with observe() can be observed.` : `Unknown asset "${id}".${didYouMean(id, graph.keys())}`,
        );
      }
    }
  }
  if (ids.length === 0) throw new OrchError(ErrorCode.EMPTY_SELECTION, "The selection contains no external asset with an observe function.");
  const steps: PlannedStep[] = ids.map((id) => {
    const node = graph.nodes.get(`${id}:observe`)!;
    return { key: node.id, nodeId: node.id, kind: node.nodeKind, deps: [], inputs: [], selectedOutputs: [], tags: node.tags };
  });
  const { selection, ...rest } = options;
  return materialize(definitions, { ...rest, plan: { steps, assetKeys: [] }, ...(typeof selection === "string" ? { tags: { ...rest.tags, "orch/observe": selection } } : {}) });
}
