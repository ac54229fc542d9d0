import { describe, expect, it } from "vitest";
import { isOrchError, type OrchError } from "../errors.ts";
import { parseSelection } from "./parse-selection.ts";
import { resolveSelection } from "./resolve-selection.ts";
import { testGraph } from "./test-graph.test-support.ts";

const graph = testGraph({
  "raw/orders": {},
  orders: { deps: ["raw/orders"] },
  order_items: { deps: ["orders"] },
  "staging/orders": { deps: ["raw/orders"] },
  customers: {},
});

function errorOf(run: () => unknown): OrchError {
  try {
    run();
  } catch (error) {
    if (isOrchError(error)) return error;
    throw error;
  }
  throw new Error("expected an OrchError, got none");
}

/** The message, the quoted selection and the caret line, as the user sees them. */
function syntaxError(text: string) {
  const error = errorOf(() => parseSelection(text));
  expect(error.code).toBe("INVALID_SELECTION");
  const [first, quoted, caret] = error.message.split("\n");
  expect(quoted).toBe(`  ${text}`);
  return { first, caretAt: (caret ?? "").indexOf("^") - 2, details: error.details };
}

describe("INVALID_SELECTION", () => {
  it("points at the end when an operator has no right-hand side", () => {
    const { first, caretAt } = syntaxError("orders and");
    expect(first).toBe(
      `[orch] Invalid selection at position 10: expected a key, "(" or an attribute after "and", found the end of the selection.`,
    );
    expect(caretAt).toBe(10);
  });

  it.each([
    ["orders or", 9, `after "or"`],
    ["orders,", 7, `after ","`],
    ["not", 3, `after "not"`],
    ["a and not", 9, `after "not"`],
    ["(", 1, `after "("`],
  ])("names the operator before a missing term in %j", (text, position, after) => {
    const { first, caretAt } = syntaxError(text);
    expect(first).toContain(`at position ${position}: expected a key, "(" or an attribute ${after}`);
    expect(caretAt).toBe(position);
  });

  it("refuses an empty selection", () => {
    expect(syntaxError("   ").first).toContain("the selection is empty");
  });

  it("refuses an operator where a term belongs, suggesting quotes", () => {
    const { first, caretAt } = syntaxError("a and or b");
    expect(first).toContain(`after "and", found the operator "or" (quote a key with that name: "or")`);
    expect(caretAt).toBe(6);
  });

  it("refuses a traversal with nothing to apply to", () => {
    const { first, caretAt } = syntaxError("+ orders");
    expect(first).toContain(`expected a key, "(" or an attribute after "+", found a space`);
    expect(caretAt).toBe(1);
    expect(syntaxError("orders or 2+(").first).toContain(`after "("`);
  });

  it("refuses terms glued together without a separator", () => {
    const { first, caretAt } = syntaxError("orders+customers");
    expect(first).toContain(`expected whitespace, ",", "and", "or" or ")" after "orders+", found "c"`);
    expect(caretAt).toBe(7);
    expect(syntaxError("a(b)").first).toContain(`after "a", found "("`);
  });

  it("refuses characters that cannot appear in a key", () => {
    const { first, caretAt } = syntaxError("raw/orders@v2");
    expect(first).toContain(`after "raw/orders", found "@"`);
    expect(caretAt).toBe(10);
    expect(syntaxError("orders or #x").first).toContain(`after "or", found "#"`);
  });

  it("refuses unbalanced parentheses", () => {
    const open = syntaxError("(orders or customers");
    expect(open.first).toContain(`expected ")" to close the "(" at position 0, found the end of the selection`);
    expect(open.caretAt).toBe(20);
    const close = syntaxError("orders)");
    expect(close.first).toContain(`unexpected ")" with no matching "("`);
    expect(close.caretAt).toBe(6);
    expect(syntaxError("()").first).toContain(`after "(", found ")"`);
  });

  it("refuses an unterminated quote, pointing at where it opened", () => {
    const { first, caretAt } = syntaxError('orders or "raw/orders');
    expect(first).toContain("this quoted string is never closed: expected a closing \"");
    expect(caretAt).toBe(10);
    expect(syntaxError('""').first).toContain("expected a key inside the quotes");
    expect(syntaxError('key:""').first).toContain("expected a key inside the quotes");
  });

  it("refuses unknown attribute names, listing the known ones", () => {
    const { first, caretAt, details } = syntaxError("orders or grp:sales");
    expect(first).toContain(`unknown attribute "grp": expected one of key, group, tag, owner, kind. Did you mean "group"?`);
    expect(caretAt).toBe(10);
    expect(details).toEqual({ selection: "orders or grp:sales", position: 10 });
  });

  it("refuses attributes without a value", () => {
    expect(syntaxError("group:").first).toContain(`expected a value after "group:", found the end of the selection`);
    expect(syntaxError("tag: x").first).toContain(`expected a tag name after "tag:", found a space`);
    expect(syntaxError("tag:tier=").first).toContain(`expected a value after "tag:tier=", found the end of the selection`);
    expect(syntaxError("key:)").first).toContain(`expected a key or glob after "key:", found ")"`);
  });
});

describe("UNKNOWN_ASSET", () => {
  it("names the key and the selection and suggests close keys", () => {
    const small = testGraph({ orders: {}, customers: {} });
    const error = errorOf(() => resolveSelection(small, "+ordrs"));
    expect(error.code).toBe("UNKNOWN_ASSET");
    expect(error.message).toBe(`[orch] Unknown asset "ordrs" in selection "+ordrs". Did you mean "orders"?`);
    expect(error.details).toEqual({ selection: "+ordrs", key: "ordrs", suggestions: ["orders"] });
  });

  it("ranks whole-key matches before last-segment matches, at most three", () => {
    const error = errorOf(() => resolveSelection(graph, "raw/ordrs"));
    expect(error.details?.["suggestions"]).toEqual(["raw/orders", "orders", "staging/orders"]);
  });

  it("suggests path keys whose last segment matches", () => {
    const error = errorOf(() => resolveSelection(graph, "source/orders+"));
    expect(error.message).toBe(
      `[orch] Unknown asset "source/orders" in selection "source/orders+". Did you mean "orders", "raw/orders" or "staging/orders"?`,
    );
  });

  it("says nothing more when no key is close", () => {
    const error = errorOf(() => resolveSelection(graph, "customers or inventory"));
    expect(error.message).toBe(`[orch] Unknown asset "inventory" in selection "customers or inventory".`);
  });

  it("checks keys under not and and, not only where they would add assets", () => {
    expect(errorOf(() => resolveSelection(graph, "* and not custmers")).message).toContain(`Did you mean "customers"?`);
  });

  it("quotes a formatted selection when given a parsed expression", () => {
    const error = errorOf(() => resolveSelection(graph, parseSelection("(orders or \"ordrs\")+1")));
    expect(error.message).toContain(`Unknown asset "ordrs" in selection "(orders or ordrs)+1". Did you mean "orders", `);
  });

  it("is not raised for a glob or attribute that matches nothing", () => {
    expect(resolveSelection(graph, "missing/* or group:nope or tag:x or owner:nobody or kind:none").size).toBe(0);
  });
});
