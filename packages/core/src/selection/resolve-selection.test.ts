import { describe, expect, it } from "vitest";
import { parseSelection } from "./parse-selection.ts";
import { resolveSelection } from "./resolve-selection.ts";
import { testGraph } from "./test-graph.test-support.ts";

//   raw/orders ──► staging/orders ──► orders ──► daily_revenue ──► revenue_report
//   raw/customers ───────────────────┘   └──► churn
const graph = testGraph({
  "raw/orders": { group: "raw", kinds: ["sql"], owners: ["alice@x.com"], tags: { tier: "bronze" } },
  "raw/customers": { group: "raw", kinds: ["python"] },
  "staging/orders": { deps: ["raw/orders"], group: "staging", tags: { pii: "" } },
  orders: { deps: ["staging/orders", "raw/customers"], group: "sales", tags: { tier: "gold" }, owners: ["alice@x.com", "bob@x.com"] },
  daily_revenue: { deps: ["orders"], group: "sales", kinds: ["sql", "python"] },
  revenue_report: { deps: ["daily_revenue"], group: "reporting", owners: ["team:finance"] },
  churn: { deps: ["raw/customers"], group: "ml", tags: { tier: "gold" } },
});

const select = (text: string) => [...resolveSelection(graph, text)];

describe("resolveSelection: keys", () => {
  it("selects a plain key, a path key and a quoted key", () => {
    expect(select("orders")).toEqual(["orders"]);
    expect(select("raw/orders")).toEqual(["raw/orders"]);
    expect(select('"raw/orders"')).toEqual(["raw/orders"]);
    expect(select("'raw/orders'")).toEqual(["raw/orders"]);
    expect(select("key:raw/orders")).toEqual(["raw/orders"]);
  });

  it("selects everything with *", () => {
    expect(select("*")).toEqual(graph.keys());
  });

  it("matches globs across segments and returns keys in graph order", () => {
    expect(select("raw/*")).toEqual(["raw/orders", "raw/customers"]);
    expect(select("*orders")).toEqual(["raw/orders", "staging/orders", "orders"]);
    expect(select("key:*revenue*")).toEqual(["daily_revenue", "revenue_report"]);
  });

  it("returns an empty set for a glob that matches nothing", () => {
    expect(select("nothing/*")).toEqual([]);
  });
});

describe("resolveSelection: lineage", () => {
  it("walks all ancestors with +key and all descendants with key+", () => {
    expect(select("+orders")).toEqual(["raw/orders", "raw/customers", "staging/orders", "orders"]);
    expect(select("orders+")).toEqual(["orders", "daily_revenue", "revenue_report"]);
    expect(select("+staging/orders+")).toEqual(["raw/orders", "staging/orders", "orders", "daily_revenue", "revenue_report"]);
  });

  it("limits the walk with a depth on either side", () => {
    expect(select("1+orders")).toEqual(["raw/customers", "staging/orders", "orders"]);
    expect(select("2+daily_revenue")).toEqual(["staging/orders", "raw/customers", "orders", "daily_revenue"].sort(byGraphOrder));
    expect(select("raw/customers+1")).toEqual(["raw/customers", "orders", "churn"]);
    expect(select("1+orders+2")).toEqual(["raw/customers", "staging/orders", "orders", "daily_revenue", "revenue_report"]);
    expect(select("0+orders+0")).toEqual(["orders"]);
  });

  it("applies traversal to attribute terms and parenthesised groups", () => {
    expect(select("+group:sales")).toEqual(["raw/orders", "raw/customers", "staging/orders", "orders", "daily_revenue"]);
    expect(select("group:raw+1")).toEqual(["raw/orders", "raw/customers", "staging/orders", "orders", "churn"]);
    expect(select("+(churn or staging/orders)")).toEqual(["raw/orders", "raw/customers", "staging/orders", "churn"]);
    expect(select("(revenue_report)+")).toEqual(["revenue_report"]);
  });

  it("reads a bare number before + as a key when no term follows it", () => {
    const numbered = testGraph({ "2": {}, b: { deps: ["2"] } });
    expect([...resolveSelection(numbered, "2+")]).toEqual(["2", "b"]);
    expect([...resolveSelection(numbered, "1+b")]).toEqual(["2", "b"]);
  });
});

describe("resolveSelection: attributes", () => {
  it("filters by group, owner and kind", () => {
    expect(select("group:sales")).toEqual(["orders", "daily_revenue"]);
    expect(select("owner:alice@x.com")).toEqual(["raw/orders", "orders"]);
    expect(select("owner:team:finance")).toEqual(["revenue_report"]);
    expect(select("kind:sql")).toEqual(["raw/orders", "daily_revenue"]);
    expect(select('group:"sales"')).toEqual(["orders", "daily_revenue"]);
  });

  it("filters by tag name alone or by name and value", () => {
    expect(select("tag:tier")).toEqual(["raw/orders", "orders", "churn"]);
    expect(select("tag:tier=gold")).toEqual(["orders", "churn"]);
    expect(select("tag:pii")).toEqual(["staging/orders"]);
    expect(select('tag:"tier"="bronze"')).toEqual(["raw/orders"]);
  });

  it("returns an empty set for an attribute value nobody has", () => {
    expect(select("group:nope")).toEqual([]);
    expect(select("tag:tier=platinum")).toEqual([]);
  });
});

describe("resolveSelection: combinations", () => {
  it("combines with or, and, not and parentheses", () => {
    expect(select("orders or churn")).toEqual(["orders", "churn"]);
    expect(select("+orders and group:raw")).toEqual(["raw/orders", "raw/customers"]);
    expect(select("not group:sales and not group:raw")).toEqual(["staging/orders", "revenue_report", "churn"]);
    expect(select("+daily_revenue and not raw/*")).toEqual(["staging/orders", "orders", "daily_revenue"]);
    expect(select("not (orders or churn)")).toEqual(graph.keys().filter((k) => k !== "orders" && k !== "churn"));
  });

  it("binds not tighter than and, and and tighter than or", () => {
    // and before or: orders or (churn and group:ml); or-first would drop orders
    expect(select("orders or churn and group:ml")).toEqual(["orders", "churn"]);
    expect(select("(orders or churn) and group:ml")).toEqual(["churn"]);
    // not before and: (not orders) and group:sales; and-first would give everything but orders
    expect(select("not orders and group:sales")).toEqual(["daily_revenue"]);
    expect(select("not churn and tag:tier")).toEqual(["raw/orders", "orders"]);
  });

  it("reads commas and whitespace between terms as or", () => {
    expect(select("orders churn")).toEqual(["orders", "churn"]);
    expect(select("orders, churn,raw/orders")).toEqual(["raw/orders", "orders", "churn"]);
    expect(select("churn orders and group:sales")).toEqual(["orders", "churn"]);
  });

  it("accepts operators in any case", () => {
    expect(select("orders OR churn AND NOT group:ml")).toEqual(["orders"]);
  });

  it("resolves a pre-parsed expression the same as its text", () => {
    const expr = parseSelection("+orders and not group:raw");
    expect([...resolveSelection(graph, expr)]).toEqual(select("+orders and not group:raw"));
  });
});

function byGraphOrder(a: string, b: string): number {
  return graph.keys().indexOf(a) - graph.keys().indexOf(b);
}
