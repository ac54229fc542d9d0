import { describe, expect, it } from "vitest";
import { layout, NODE_W } from "./layout.ts";

const nodes = [
  { id: "raw", group: "ingest" },
  { id: "clean", group: "staging" },
  { id: "mart_a", group: "marts" },
  { id: "mart_b", group: "marts" },
  { id: "report", group: "reports" },
];
const edges = [
  ["raw", "clean"],
  ["clean", "mart_a"],
  ["clean", "mart_b"],
  ["mart_a", "report"],
  ["mart_b", "report"],
] as const;

describe("layered layout", () => {
  it("places every asset right of its parents, one column per layer, without overlaps", () => {
    const result = layout({ nodes, edges, collapsed: [] });
    const at = new Map(result.nodes.map((n) => [n.id, n]));
    for (const [from, to] of edges) expect(at.get(to)!.x).toBeGreaterThan(at.get(from)!.x + NODE_W - 1);
    expect(at.get("mart_a")!.x).toBe(at.get("mart_b")!.x);
    expect(at.get("mart_a")!.y).not.toBe(at.get("mart_b")!.y);
    expect(result.edges.length).toBe(edges.length * 2);
  });

  it("draws a collapsed group as one node and merges its edges", () => {
    const result = layout({ nodes, edges, collapsed: ["marts"] });
    expect(result.nodes.map((n) => n.id).sort()).toEqual(["clean", "group:marts", "raw", "report"]);
    expect(result.nodes.find((n) => n.id === "group:marts")!.members).toBe(2);
    // clean → marts and marts → report, each once.
    expect(result.edges.length).toBe(3 * 2);
  });

  it("still places nodes that collapsing made into a cycle", () => {
    const result = layout({ nodes: [...nodes, { id: "back", group: "staging" }], edges: [...edges, ["report", "back"]], collapsed: ["staging", "reports", "marts"] });
    expect(result.nodes).toHaveLength(4);
    expect(new Set(result.nodes.map((n) => `${n.x},${n.y}`)).size).toBe(4);
  });
});
