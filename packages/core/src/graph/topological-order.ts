/** Either every id in dependency order (parents first), or one cycle (`[a, b, a]`) that prevents an order. */
export type TopologicalResult = { readonly order: string[]; readonly cycle?: undefined } | { readonly order?: undefined; readonly cycle: string[] };

/**
 * Kahn's algorithm over `ids`, the one topological sort of orch (asset graph and op jobs). Parents outside `ids`
 * are ignored and repeated parents count once; an id among its own parents is a cycle of one (`[a, a]`). Ids with
 * no parents keep their input order, so the result is deterministic.
 */
export function topologicalOrder(ids: Iterable<string>, parentsOf: (id: string) => Iterable<string>): TopologicalResult {
  const parents = new Map<string, string[]>();
  for (const id of ids) parents.set(id, []);
  const children = new Map<string, string[]>();
  for (const [id, list] of parents) {
    for (const parent of new Set(parentsOf(id))) {
      if (!parents.has(parent)) continue;
      list.push(parent);
      const siblings = children.get(parent);
      if (siblings) siblings.push(id);
      else children.set(parent, [id]);
    }
  }
  const indegree = new Map<string, number>();
  const order: string[] = [];
  for (const [id, list] of parents) {
    indegree.set(id, list.length);
    if (list.length === 0) order.push(id);
  }
  for (let i = 0; i < order.length; i++) {
    for (const child of children.get(order[i]!) ?? []) {
      const d = indegree.get(child)! - 1;
      indegree.set(child, d);
      if (d === 0) order.push(child);
    }
  }
  if (order.length === parents.size) return { order };
  return { cycle: findCycle(new Set(order), parents) };
}

/**
 * Whatever the sort left over lies on or behind a cycle: every such id has a parent that is left over too, so
 * walking parents among them must repeat an id, and the loop from that id back to itself is a cycle.
 */
function findCycle(done: ReadonlySet<string>, parents: ReadonlyMap<string, readonly string[]>): string[] {
  const seen = new Map<string, number>();
  const path: string[] = [];
  let current = [...parents.keys()].find((id) => !done.has(id))!;
  while (!seen.has(current)) {
    seen.set(current, path.length);
    path.push(current);
    current = parents.get(current)!.find((p) => !done.has(p))!;
  }
  const loop = path.slice(seen.get(current)!).reverse();
  return [...loop, loop[0]!];
}
