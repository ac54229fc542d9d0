import type { DbtManifest } from "../manifest/model.ts";
import { isEphemeral } from "../manifest/model.ts";

/**
 * The upstream nodes of `uniqueId` as orch sees them: ephemeral models are folded away, so a model that reads an
 * ephemeral depends on the ephemeral's own parents (recursively). Results are memoised per manifest walk.
 */
export function createLineage(manifest: DbtManifest): (uniqueId: string) => readonly string[] {
  const memo = new Map<string, readonly string[]>();
  const resolving = new Set<string>();
  const upstream = (uniqueId: string): readonly string[] => {
    const cached = memo.get(uniqueId);
    if (cached) return cached;
    const node = manifest.nodes.get(uniqueId);
    if (!node || resolving.has(uniqueId)) return [];
    resolving.add(uniqueId);
    const out = new Set<string>();
    for (const parentId of node.dependsOn) {
      const parent = manifest.nodes.get(parentId);
      if (!parent) continue;
      if (isEphemeral(parent)) for (const grand of upstream(parentId)) out.add(grand);
      else out.add(parentId);
    }
    resolving.delete(uniqueId);
    const result = [...out];
    memo.set(uniqueId, result);
    return result;
  };
  return upstream;
}
