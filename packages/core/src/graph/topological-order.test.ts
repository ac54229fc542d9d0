import { describe, expect, it } from "vitest";
import { topologicalOrder } from "./topological-order.ts";

const graph = (edges: Record<string, string[]>) => (id: string) => edges[id] ?? [];

describe("topologicalOrder", () => {
  it("orders parents first, keeping input order among independent ids", () => {
    const parents = graph({ c: ["a", "b"], b: ["a"], d: [] });
    expect(topologicalOrder(["c", "d", "b", "a"], parents)).toEqual({ order: ["d", "a", "b", "c"] });
  });

  it("counts repeated parents once and ignores parents outside the ids", () => {
    expect(topologicalOrder(["a", "b"], graph({ b: ["a", "a", "elsewhere"] }))).toEqual({ order: ["a", "b"] });
  });

  it("finds a cycle of one, and a cycle behind which other ids wait", () => {
    expect(topologicalOrder(["a"], graph({ a: ["a"] }))).toEqual({ cycle: ["a", "a"] });
    const result = topologicalOrder(["d", "a", "b", "c"], graph({ d: ["c"], a: ["c"], b: ["a"], c: ["b"] }));
    expect(result.cycle).toEqual(["a", "b", "c", "a"]);
  });
});
