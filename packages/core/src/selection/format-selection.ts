import { ErrorCode, OrchError } from "../errors.ts";
import type { SelectionExpr, TraversalDepth } from "./ast.ts";
import { BARE_GLOB, BARE_KEY, BARE_TAG_NAME, BARE_VALUE, isKeyword, quote } from "./selection-lexicon.ts";

// Binding strength: a child weaker than its parent's slot gets parentheses.
const OR = 1;
const AND = 2;
const NOT = 3;
const TRAVERSAL = 4;
const PRIMARY = 5;

/**
 * Writes a selection back as text that `parseSelection` reads to the same tree, with only
 * the parentheses precedence needs: `formatSelection(parseSelection(s))` is canonical `s`.
 */
export function formatSelection(expr: SelectionExpr): string {
  return format(expr, OR);
}

function format(expr: SelectionExpr, slot: number): string {
  const [text, strength] = formatNode(expr);
  return strength < slot ? `(${text})` : text;
}

function formatNode(expr: SelectionExpr): [string, number] {
  switch (expr.type) {
    case "all":
      return ["*", PRIMARY];
    case "key":
      // Digit-only keys are quoted so `1+2` never reads as a depth.
      return [BARE_KEY.test(expr.key) && !isKeyword(expr.key) && !/^\d+$/.test(expr.key) ? expr.key : quote(expr.key), PRIMARY];
    case "glob":
      if (!BARE_GLOB.test(expr.pattern)) {
        throw new OrchError(
          ErrorCode.INVALID_SELECTION,
          `Cannot write the glob ${JSON.stringify(expr.pattern)} as a selection: globs use letters, digits, "_", "-", ".", "/" and "*" only.`,
        );
      }
      return [expr.pattern, PRIMARY];
    case "attribute":
      return [`${expr.attribute}:${value(expr.value, BARE_VALUE)}`, PRIMARY];
    case "tag": {
      const name = value(expr.name, BARE_TAG_NAME);
      return [expr.value === undefined ? `tag:${name}` : `tag:${name}=${value(expr.value, BARE_VALUE)}`, PRIMARY];
    }
    case "traversal":
      return [`${depthText(expr.upstream, "prefix")}${format(expr.operand, PRIMARY)}${depthText(expr.downstream, "suffix")}`, TRAVERSAL];
    case "not":
      return [`not ${format(expr.operand, NOT)}`, NOT];
    case "and":
    case "or":
      return [formatChain(expr), expr.type === "and" ? AND : OR];
  }
}

/** Left-nested `a or b or c` chains can be long (generated selections); format them in a loop. */
function formatChain(expr: Extract<SelectionExpr, { type: "and" | "or" }>): string {
  const strength = expr.type === "and" ? AND : OR;
  const rights: string[] = [];
  let node: SelectionExpr = expr;
  while (node.type === expr.type) {
    rights.push(format(node.right, strength + 1));
    node = node.left;
  }
  return [format(node, strength), ...rights.reverse()].join(` ${expr.type} `);
}

function depthText(depth: TraversalDepth | undefined, side: "prefix" | "suffix"): string {
  if (depth === undefined) return "";
  if (depth === "all") return "+";
  return side === "prefix" ? `${depth}+` : `+${depth}`;
}

function value(text: string, bare: RegExp): string {
  return bare.test(text) ? text : quote(text);
}
