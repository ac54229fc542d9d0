import { describe, expect, it } from "vitest";
import type { SelectionExpr, TraversalDepth } from "./ast.ts";
import { formatSelection } from "./format-selection.ts";
import { parseSelection } from "./parse-selection.ts";
import { resolveSelection } from "./resolve-selection.ts";
import { type TestAsset, testGraph } from "./test-graph.test-support.ts";

/** mulberry32: a tiny seeded PRNG, so a failure names a seed that reproduces it. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  const subset = <T>(items: readonly T[]): T[] => items.filter(() => next() < 0.4);
  return { next, int, pick, subset };
}
type Random = ReturnType<typeof prng>;

const GROUPS = ["sales", "raw", "ml"];
const OWNERS = ["alice@x.com", "bob@x.com", "team:data"];
const KINDS = ["sql", "python", "dbt"];
const PREFIXES = ["", "", "raw/", "stg/", "raw/deep/"];

/** A random DAG: edges only run from lower to higher index, so there are no cycles. */
function randomAssets(random: Random): Record<string, TestAsset> {
  const count = random.int(5, 40);
  const keys = Array.from({ length: count }, (_, i) => `${random.pick(PREFIXES)}n${i}`);
  const density = random.next() * 0.3;
  const assets: Record<string, TestAsset> = {};
  keys.forEach((key, i) => {
    const tags: Record<string, string> = {};
    if (random.next() < 0.4) tags["tier"] = random.pick(["gold", "silver"]);
    if (random.next() < 0.3) tags["pii"] = "";
    assets[key] = {
      deps: keys.slice(0, i).filter(() => random.next() < density),
      group: random.pick(GROUPS),
      tags,
      owners: random.subset(OWNERS),
      kinds: random.subset(KINDS),
    };
  });
  return assets;
}

function randomDepth(random: Random): TraversalDepth | undefined {
  return random.pick([undefined, "all", "all", 0, 1, 2, 3]);
}

function randomTerm(random: Random, keys: readonly string[]): SelectionExpr {
  switch (random.int(0, 8)) {
    case 0:
      return { type: "all" };
    case 1:
      return { type: "glob", pattern: random.pick(["raw/*", "*1", "stg/n*", "*/deep/*", "n*0", "none/*"]) };
    case 2:
      return { type: "attribute", attribute: "group", value: random.pick([...GROUPS, "unused"]) };
    case 3:
      return { type: "attribute", attribute: "owner", value: random.pick(OWNERS) };
    case 4:
      return { type: "attribute", attribute: "kind", value: random.pick(KINDS) };
    case 5:
      return random.next() < 0.5 ? { type: "tag", name: random.pick(["tier", "pii"]) } : { type: "tag", name: "tier", value: random.pick(["gold", "silver"]) };
    default:
      return { type: "key", key: random.pick(keys) };
  }
}

function randomExpr(random: Random, keys: readonly string[], depth: number): SelectionExpr {
  if (depth === 0 || random.next() < 0.3) return randomTerm(random, keys);
  const operand = () => randomExpr(random, keys, depth - 1);
  switch (random.int(0, 3)) {
    case 0:
      return { type: "not", operand: operand() };
    case 1: {
      const upstream = randomDepth(random);
      const downstream = upstream === undefined ? (randomDepth(random) ?? 1) : randomDepth(random);
      return { type: "traversal", operand: operand(), ...(upstream === undefined ? {} : { upstream }), ...(downstream === undefined ? {} : { downstream }) };
    }
    default:
      return { type: random.pick(["and", "or"] as const), left: operand(), right: operand() };
  }
}

/** Brute force, written independently of the resolver: set expansion to a fixed point. */
function bruteForce(assets: Record<string, TestAsset>, expr: SelectionExpr): Set<string> {
  const keys = Object.keys(assets);
  const all = new Set(keys);
  const edges = keys.flatMap((child) => (assets[child]?.deps ?? []).map((parent) => ({ parent, child })));
  const expand = (start: Set<string>, depth: TraversalDepth | undefined, up: boolean): Set<string> => {
    if (depth === undefined) return new Set();
    let current = new Set(start);
    for (let step = 0; depth === "all" || step < depth; step++) {
      const grown = new Set(current);
      for (const { parent, child } of edges) {
        if (up && current.has(child)) grown.add(parent);
        if (!up && current.has(parent)) grown.add(child);
      }
      if (grown.size === current.size) break;
      current = grown;
    }
    return current;
  };
  const where = (keep: (asset: TestAsset, key: string) => boolean) => new Set(keys.filter((key) => keep(assets[key] ?? {}, key)));
  switch (expr.type) {
    case "all":
      return all;
    case "key":
      return new Set([expr.key]);
    case "glob":
      return where((_, key) => wildcardMatch(expr.pattern, key));
    case "attribute":
      if (expr.attribute === "group") return where((a) => a.group === expr.value);
      return where((a) => (expr.attribute === "owner" ? a.owners : a.kinds)?.includes(expr.value) ?? false);
    case "tag":
      return where((a) => a.tags?.[expr.name] !== undefined && (expr.value === undefined || a.tags[expr.name] === expr.value));
    case "traversal": {
      const start = bruteForce(assets, expr.operand);
      return new Set([...start, ...expand(start, expr.upstream, true), ...expand(start, expr.downstream, false)]);
    }
    case "not": {
      const inner = bruteForce(assets, expr.operand);
      return new Set(keys.filter((key) => !inner.has(key)));
    }
    case "and": {
      const right = bruteForce(assets, expr.right);
      return new Set([...bruteForce(assets, expr.left)].filter((key) => right.has(key)));
    }
    case "or":
      return new Set([...bruteForce(assets, expr.left), ...bruteForce(assets, expr.right)]);
  }
}

/** `*` matches any run of characters; a plain recursive matcher, not a RegExp. */
function wildcardMatch(pattern: string, text: string): boolean {
  if (pattern === "") return text === "";
  if (pattern[0] === "*") return wildcardMatch(pattern.slice(1), text) || (text !== "" && wildcardMatch(pattern, text.slice(1)));
  return text !== "" && pattern[0] === text[0] && wildcardMatch(pattern.slice(1), text.slice(1));
}

describe("resolveSelection agrees with a brute-force evaluator", () => {
  it("on 200 random graphs and selections", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = prng(seed);
      const assets = randomAssets(random);
      const graph = testGraph(assets);
      for (let round = 0; round < 5; round++) {
        const expr = randomExpr(random, graph.keys(), 4);
        const text = formatSelection(expr);
        const context = `seed ${seed}, selection ${text}`;
        const expected = graph.keys().filter((key) => bruteForce(assets, expr).has(key));
        expect([...resolveSelection(graph, expr)], context).toEqual(expected);
        expect([...resolveSelection(graph, text)], context).toEqual(expected);
        expect(parseSelection(text), context).toEqual(expr);
      }
    }
  });
});
