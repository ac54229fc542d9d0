import type { SelectableAttributes, SelectableGraph } from "./selectable-graph.ts";

/** One asset in a test graph: its upstream keys and optional attributes. */
export interface TestAsset {
  deps?: readonly string[];
  group?: string;
  tags?: Record<string, string>;
  owners?: readonly string[];
  kinds?: readonly string[];
}

/** A SelectableGraph over plain records, for tests only; counts neighbour look-ups. */
export interface TestGraph extends SelectableGraph {
  readonly lookups: { parents: number; children: number };
}

export function testGraph(assets: Record<string, TestAsset>): TestGraph {
  const keys = Object.keys(assets);
  const children = new Map<string, string[]>(keys.map((key) => [key, []]));
  for (const key of keys) {
    for (const dep of assets[key]?.deps ?? []) children.get(dep)?.push(key);
  }
  const lookups = { parents: 0, children: 0 };
  return {
    lookups,
    keys: () => keys,
    has: (key) => Object.hasOwn(assets, key),
    parents(key) {
      lookups.parents++;
      return assets[key]?.deps ?? [];
    },
    children(key) {
      lookups.children++;
      return children.get(key) ?? [];
    },
    attributes(key): SelectableAttributes {
      const asset = assets[key] ?? {};
      return { group: asset.group ?? "default", tags: asset.tags ?? {}, owners: asset.owners ?? [], kinds: asset.kinds ?? [] };
    },
  };
}
