/** A left-to-right layered layout: longest-path layers, then rows ordered by group and by the parents' rows. */
export interface LayoutInput {
  readonly nodes: readonly { readonly id: string; readonly group: string }[];
  readonly edges: readonly (readonly [string, string])[];
  /** Groups drawn as one node each (`group:<name>`). */
  readonly collapsed: readonly string[];
}

export interface LayoutNode {
  readonly id: string;
  readonly group: string;
  /** Ids of the assets it stands for (a collapsed group), or just itself. */
  readonly members: number;
  readonly x: number;
  readonly y: number;
}

export interface LayoutResult {
  readonly nodes: LayoutNode[];
  /** Indexes into `nodes`. */
  readonly edges: Uint32Array;
  readonly width: number;
  readonly height: number;
}

export const NODE_W = 200;
export const NODE_H = 40;
const LAYER_GAP = 90;
const ROW_GAP = 16;

export function layout(input: LayoutInput): LayoutResult {
  const collapsed = new Set(input.collapsed);
  const visibleId = new Map<string, string>();
  const group = new Map<string, string>();
  const members = new Map<string, number>();
  for (const node of input.nodes) {
    const id = collapsed.has(node.group) ? `group:${node.group}` : node.id;
    visibleId.set(node.id, id);
    group.set(id, node.group);
    members.set(id, (members.get(id) ?? 0) + 1);
  }
  const ids = [...members.keys()];
  const index = new Map(ids.map((id, i) => [id, i]));
  const parents: number[][] = ids.map(() => []);
  const children: number[][] = ids.map(() => []);
  const seen = new Set<string>();
  const edgeList: number[] = [];
  for (const [from, to] of input.edges) {
    const a = index.get(visibleId.get(from)!);
    const b = index.get(visibleId.get(to)!);
    if (a === undefined || b === undefined || a === b || seen.has(`${a}>${b}`)) continue;
    seen.add(`${a}>${b}`);
    parents[b]!.push(a);
    children[a]!.push(b);
    edgeList.push(a, b);
  }

  // Longest path from the sources (Kahn's order); nodes left in a cycle (collapsed groups can form one) go last.
  const layer = new Int32Array(ids.length);
  const pending = parents.map((p) => p.length);
  const queue: number[] = [];
  pending.forEach((n, i) => n === 0 && queue.push(i));
  let placed = 0;
  for (let head = 0; head < queue.length; head++) {
    const n = queue[head]!;
    placed++;
    for (const c of children[n]!) {
      layer[c] = Math.max(layer[c]!, layer[n]! + 1);
      if (--pending[c]! === 0) queue.push(c);
    }
  }
  if (placed < ids.length) {
    const max = Math.max(0, ...layer);
    pending.forEach((n, i) => n > 0 && (layer[i] = max + 1));
  }

  const layers: number[][] = [];
  layer.forEach((l, i) => (layers[l] ??= []).push(i));
  const row = new Float64Array(ids.length);
  for (const nodes of layers) {
    if (!nodes) continue;
    const score = (i: number) => (parents[i]!.length ? parents[i]!.reduce((s, p) => s + row[p]!, 0) / parents[i]!.length : -1);
    nodes.sort((a, b) => group.get(ids[a]!)!.localeCompare(group.get(ids[b]!)!) || score(a) - score(b) || ids[a]!.localeCompare(ids[b]!));
    nodes.forEach((n, r) => (row[n] = r));
  }
  const out: LayoutNode[] = ids.map((id, i) => ({
    id,
    group: group.get(id)!,
    members: members.get(id)!,
    x: layer[i]! * (NODE_W + LAYER_GAP),
    y: row[i]! * (NODE_H + ROW_GAP),
  }));
  const tallest = Math.max(1, ...layers.map((l) => l?.length ?? 0));
  return { nodes: out, edges: Uint32Array.from(edgeList), width: layers.length * (NODE_W + LAYER_GAP), height: tallest * (NODE_H + ROW_GAP) };
}
