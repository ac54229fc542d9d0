import { describe, expect, it } from "vitest";
import { resolveSelection } from "./resolve-selection.ts";
import { type TestAsset, testGraph } from "./test-graph.test-support.ts";

const SIZE = 10_000;

/** n0 ← n1 ← ... ← n9999: the deepest lineage a graph of this size can have. */
function chain(): Record<string, TestAsset> {
  const assets: Record<string, TestAsset> = {};
  for (let i = 0; i < SIZE; i++) assets[`n${i}`] = { deps: i === 0 ? [] : [`n${i - 1}`], group: i % 2 === 0 ? "even" : "odd" };
  return assets;
}

/** Each asset depends on up to 5 earlier ones: ~50,000 edges, heavily shared ancestry. */
function wideDag(): Record<string, TestAsset> {
  const assets: Record<string, TestAsset> = {};
  for (let i = 0; i < SIZE; i++) {
    const deps = new Set<string>();
    for (let j = 1; j <= 5 && i - j * 7 >= 0; j++) deps.add(`n${(i * 31 + j * 17) % i}`);
    assets[`n${i}`] = { deps: [...deps] };
  }
  return assets;
}

describe("traversal on 10,000 assets is linear", () => {
  it("looks up each asset's parents at most once for +key on a chain", () => {
    const graph = testGraph(chain());
    const started = performance.now();
    expect(resolveSelection(graph, `+n${SIZE - 1}`).size).toBe(SIZE);
    expect(graph.lookups.parents).toBe(SIZE);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("looks up each asset's children at most once for key+ on a dense DAG", () => {
    const graph = testGraph(wideDag());
    const selected = resolveSelection(graph, "n0+");
    expect(selected.size).toBeGreaterThan(SIZE / 2);
    expect(graph.lookups.children).toBe(selected.size);
  });

  it("walks shared ancestry once when many assets start the walk", () => {
    const graph = testGraph(chain());
    expect(resolveSelection(graph, "+group:odd+").size).toBe(SIZE);
    expect(graph.lookups.parents).toBeLessThanOrEqual(SIZE);
    expect(graph.lookups.children).toBeLessThanOrEqual(SIZE);
  });

  it("stops a depth-limited walk at its depth", () => {
    const graph = testGraph(chain());
    expect([...resolveSelection(graph, `3+n${SIZE - 1}`)]).toEqual([`n${SIZE - 4}`, `n${SIZE - 3}`, `n${SIZE - 2}`, `n${SIZE - 1}`]);
    expect(graph.lookups.parents).toBe(3);
  });
});
