import { assetKeyToString, toAssetKey, type AssetKeyInput } from "../asset-key.ts";
import type { Definitions } from "../definitions.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import { resolveSelection } from "../selection/index.ts";
import { didYouMean } from "../suggest.ts";

/**
 * The asset ids a run targets. A selection string may reach external (source) assets through `+`; those are
 * left out since orch never materializes them. Keys named one by one must exist and be materializable.
 */
export function selectAssetKeys(definitions: Pick<Definitions, "graph">, selection: string | readonly AssetKeyInput[] | undefined): Set<string> {
  const graph = definitions.graph;
  const materializable = (id: string) => !graph.spec(id).external && graph.producer(id) !== undefined;
  let selected: Set<string>;
  if (selection === undefined) {
    selected = new Set(graph.keys().filter(materializable));
  } else if (typeof selection === "string") {
    selected = new Set([...resolveSelection(graph, selection)].filter(materializable));
  } else {
    selected = new Set();
    for (const key of selection) {
      const id = assetKeyToString(toAssetKey(key));
      if (!graph.has(id)) throw new OrchError(ErrorCode.UNKNOWN_ASSET, `Unknown asset "${id}".${didYouMean(id, graph.keys())}`);
      selected.add(id);
    }
  }
  if (selected.size === 0) {
    throw new OrchError(ErrorCode.EMPTY_SELECTION, `Selection ${JSON.stringify(selection ?? "*")} matches no asset that orch can materialize.`);
  }
  return selected;
}
