import type { DbtManifest } from "../manifest/model.ts";
import { METHODS } from "./methods.ts";
import { parseSelection, type SelectorCriterion } from "./parse-selector.ts";

export interface DbtSelectOptions {
  /** dbt `--select`: default every node. */
  readonly select?: string | readonly string[];
  /** dbt `--exclude`. */
  readonly exclude?: string | readonly string[];
}

interface Graph {
  readonly parents: (id: string) => readonly string[];
  readonly children: (id: string) => readonly string[];
}

const graphs = new WeakMap<DbtManifest, Graph>();

function graphOf(manifest: DbtManifest): Graph {
  let graph = graphs.get(manifest);
  if (!graph) {
    const children = new Map<string, string[]>();
    for (const node of manifest.nodes.values()) {
      for (const parent of node.dependsOn) {
        const list = children.get(parent);
        if (list) list.push(node.uniqueId);
        else children.set(parent, [node.uniqueId]);
      }
    }
    graph = { parents: (id) => manifest.nodes.get(id)?.dependsOn ?? [], children: (id) => children.get(id) ?? [] };
    graphs.set(manifest, graph);
  }
  return graph;
}

function walk(start: Iterable<string>, next: (id: string) => readonly string[], maxDepth: number, into: Set<string>): void {
  let frontier = [...start];
  for (let depth = 0; depth < maxDepth && frontier.length > 0; depth++) {
    const following: string[] = [];
    for (const id of frontier) {
      for (const n of next(id)) {
        if (!into.has(n)) {
          into.add(n);
          following.push(n);
        }
      }
    }
    frontier = following;
  }
}

function resolveCriterion(manifest: DbtManifest, graph: Graph, criterion: SelectorCriterion): Set<string> {
  const [base, ...keyParts] = criterion.method.split(".");
  const matcher = METHODS[base as string];
  const configKey = keyParts.join(".");
  const direct = new Set<string>();
  for (const node of manifest.nodes.values()) {
    if (matcher?.(node, criterion.value, configKey)) direct.add(node.uniqueId);
  }
  const out = new Set(direct);
  if (criterion.parentsDepth !== undefined) walk(direct, graph.parents, criterion.parentsDepth, out);
  if (criterion.childrenDepth !== undefined || criterion.childrensParents) {
    const descendants = new Set(direct);
    walk(direct, graph.children, criterion.childrenDepth ?? Infinity, descendants);
    for (const id of descendants) out.add(id);
    if (criterion.childrensParents) walk(descendants, graph.parents, Infinity, out);
  }
  return out;
}

function resolveExpression(manifest: DbtManifest, selection: string | readonly string[]): Set<string> {
  const graph = graphOf(manifest);
  const union = new Set<string>();
  for (const intersection of parseSelection(selection)) {
    let acc: Set<string> | undefined;
    for (const criterion of intersection) {
      const matched = resolveCriterion(manifest, graph, criterion);
      acc = acc === undefined ? matched : new Set([...acc].filter((id) => matched.has(id)));
    }
    for (const id of acc ?? []) union.add(id);
  }
  return union;
}

/** Resolves dbt `--select` / `--exclude` syntax against the manifest graph to a set of unique_ids. */
export function selectDbtNodes(manifest: DbtManifest, options: DbtSelectOptions = {}): Set<string> {
  const selected = options.select === undefined ? new Set(manifest.nodes.keys()) : resolveExpression(manifest, options.select);
  if (options.exclude !== undefined) for (const id of resolveExpression(manifest, options.exclude)) selected.delete(id);
  return selected;
}
