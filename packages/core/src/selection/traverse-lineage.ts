import type { TraversalDepth } from "./ast.ts";

/**
 * Every key reachable from `start` by following `next` (parents or children) at most
 * `depth` steps, plus `start` itself. A breadth-first search from all start keys at once,
 * so each key and edge is visited once: linear in the size of the lineage, however many
 * start keys there are.
 */
export function traverseLineage(
  start: ReadonlySet<string>,
  next: (key: string) => readonly string[],
  depth: TraversalDepth,
): Set<string> {
  const reached = new Set(start);
  let frontier = [...start];
  for (let level = 0; frontier.length > 0 && (depth === "all" || level < depth); level++) {
    const following: string[] = [];
    for (const key of frontier) {
      for (const neighbour of next(key)) {
        if (reached.has(neighbour)) continue;
        reached.add(neighbour);
        following.push(neighbour);
      }
    }
    frontier = following;
  }
  return reached;
}
