import { describe, expect, it } from "vitest";
import type { SelectionExpr } from "./ast.ts";
import { formatSelection } from "./format-selection.ts";
import { parseSelection } from "./parse-selection.ts";

const key = (k: string): SelectionExpr => ({ type: "key", key: k });

describe("parseSelection", () => {
  it("parses keys, path keys, quoted keys, globs and *", () => {
    expect(parseSelection("orders")).toEqual(key("orders"));
    expect(parseSelection("raw/orders.v2-final")).toEqual(key("raw/orders.v2-final"));
    expect(parseSelection('"raw/orders"')).toEqual(key("raw/orders"));
    expect(parseSelection('"or"')).toEqual(key("or"));
    expect(parseSelection('"a\\"b"')).toEqual(key('a"b'));
    expect(parseSelection("key:raw/orders")).toEqual(key("raw/orders"));
    expect(parseSelection("raw/*")).toEqual({ type: "glob", pattern: "raw/*" });
    expect(parseSelection('"raw/*"')).toEqual(key("raw/*"));
    expect(parseSelection("*")).toEqual({ type: "all" });
  });

  it("parses traversal depths on either side", () => {
    const orders = key("orders");
    expect(parseSelection("+orders")).toEqual({ type: "traversal", operand: orders, upstream: "all" });
    expect(parseSelection("orders+")).toEqual({ type: "traversal", operand: orders, downstream: "all" });
    expect(parseSelection("+orders+")).toEqual({ type: "traversal", operand: orders, upstream: "all", downstream: "all" });
    expect(parseSelection("2+orders")).toEqual({ type: "traversal", operand: orders, upstream: 2 });
    expect(parseSelection("orders+1")).toEqual({ type: "traversal", operand: orders, downstream: 1 });
    expect(parseSelection("1+orders+3")).toEqual({ type: "traversal", operand: orders, upstream: 1, downstream: 3 });
    expect(parseSelection("12+2024_orders")).toEqual({ type: "traversal", operand: key("2024_orders"), upstream: 12 });
  });

  it("parses attributes, including quoted values", () => {
    expect(parseSelection("group:sales")).toEqual({ type: "attribute", attribute: "group", value: "sales" });
    expect(parseSelection("owner:alice@x.com")).toEqual({ type: "attribute", attribute: "owner", value: "alice@x.com" });
    expect(parseSelection('owner:"alice+data@x.com"')).toEqual({ type: "attribute", attribute: "owner", value: "alice+data@x.com" });
    expect(parseSelection("kind:sql")).toEqual({ type: "attribute", attribute: "kind", value: "sql" });
    expect(parseSelection("tag:pii")).toEqual({ type: "tag", name: "pii" });
    expect(parseSelection("tag:tier=gold")).toEqual({ type: "tag", name: "tier", value: "gold" });
    expect(parseSelection('tag:"team name"="data eng"')).toEqual({ type: "tag", name: "team name", value: "data eng" });
    expect(parseSelection("+group:sales+1")).toEqual({
      type: "traversal",
      operand: { type: "attribute", attribute: "group", value: "sales" },
      upstream: "all",
      downstream: 1,
    });
  });

  it("builds left-nested trees with not > and > or", () => {
    expect(parseSelection("a or b and not c")).toEqual({
      type: "or",
      left: key("a"),
      right: { type: "and", left: key("b"), right: { type: "not", operand: key("c") } },
    });
    expect(parseSelection("a and b or c")).toEqual({
      type: "or",
      left: { type: "and", left: key("a"), right: key("b") },
      right: key("c"),
    });
    expect(parseSelection("a, b c")).toEqual({ type: "or", left: { type: "or", left: key("a"), right: key("b") }, right: key("c") });
    expect(parseSelection("+(a or b)")).toEqual({
      type: "traversal",
      operand: { type: "or", left: key("a"), right: key("b") },
      upstream: "all",
    });
  });

  it("treats words that merely start with an operator as keys", () => {
    expect(parseSelection("orders and notes")).toEqual({ type: "and", left: key("orders"), right: key("notes") });
    expect(parseSelection("android or oracle")).toEqual({ type: "or", left: key("android"), right: key("oracle") });
  });
});

describe("formatSelection", () => {
  it.each([
    "orders",
    "+raw/orders+2",
    "1+a+3 or b or c",
    "not a and not b or (c or d)",
    "a or (b or c)",
    "a and (b or c)",
    "not (a and b)",
    "+(a or b)+",
    "+(not a)",
    "(+a)+",
    'tag:tier=gold and tag:pii or owner:"a+b@x.com" or kind:sql',
    'group:"my group" and tag:"k=1"',
    "raw/* and *",
    '"2"+ or "or" or "a b"',
  ])("writes %j back unchanged", (text) => {
    expect(formatSelection(parseSelection(text))).toBe(text);
  });

  it("drops redundant parentheses and normalises separators", () => {
    expect(formatSelection(parseSelection("(a) , (b and c)  d"))).toBe("a or b and c or d");
    expect(formatSelection(parseSelection("key:x AND NOT 'y'"))).toBe("x and not y");
  });
});
