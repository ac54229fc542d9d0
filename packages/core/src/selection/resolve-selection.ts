import { ErrorCode, OrchError } from "../errors.ts";
import type { SelectionExpr } from "./ast.ts";
import { formatSelection } from "./format-selection.ts";
import { globMatcher } from "./key-glob.ts";
import { parseSelection } from "./parse-selection.ts";
import type { SelectableAttributes, SelectableGraph } from "./selectable-graph.ts";
import { listAlternatives, suggestKeys } from "./suggest-keys.ts";
import { traverseLineage } from "./traverse-lineage.ts";

/**
 * The keys a selection picks out of `graph`, in the graph's key order.
 *
 * A key that is not in the graph is an error (UNKNOWN_ASSET, with suggestions); a glob or
 * attribute filter that matches nothing gives an empty set, and the caller decides whether
 * an empty selection is a problem. Traversals are breadth-first, linear in the lineage walked.
 */
export function resolveSelection(graph: SelectableGraph, selection: string | SelectionExpr): Set<string> {
  const expr = typeof selection === "string" ? parseSelection(selection) : selection;
  const text = typeof selection === "string" ? selection : undefined;
  const picked = new SelectionEvaluator(graph, () => text ?? formatSelection(expr)).evaluate(expr);
  const ordered = new Set<string>();
  for (const key of graph.keys()) if (picked.has(key)) ordered.add(key);
  return ordered;
}

class SelectionEvaluator {
  private readonly graph: SelectableGraph;
  private readonly selectionText: () => string;

  constructor(graph: SelectableGraph, selectionText: () => string) {
    this.graph = graph;
    this.selectionText = selectionText;
  }

  evaluate(expr: SelectionExpr): Set<string> {
    switch (expr.type) {
      case "all":
        return new Set(this.graph.keys());
      case "key":
        if (!this.graph.has(expr.key)) throw this.unknownKey(expr.key);
        return new Set([expr.key]);
      case "glob": {
        const matches = globMatcher(expr.pattern);
        return this.filter(matches);
      }
      case "attribute":
        return this.filterAttributes((attrs) => matchesValue(attrs, expr.attribute, expr.value));
      case "tag":
        return this.filterAttributes(
          (attrs) => Object.hasOwn(attrs.tags, expr.name) && (expr.value === undefined || attrs.tags[expr.name] === expr.value),
        );
      case "traversal":
        return this.traverse(this.evaluate(expr.operand), expr);
      case "not": {
        const excluded = this.evaluate(expr.operand);
        return this.filter((key) => !excluded.has(key));
      }
      case "and":
      case "or":
        return this.combine(expr);
    }
  }

  private traverse(start: Set<string>, expr: Extract<SelectionExpr, { type: "traversal" }>): Set<string> {
    const result = new Set(start);
    if (expr.upstream !== undefined) {
      for (const key of traverseLineage(start, (k) => this.graph.parents(k), expr.upstream)) result.add(key);
    }
    if (expr.downstream !== undefined) {
      for (const key of traverseLineage(start, (k) => this.graph.children(k), expr.downstream)) result.add(key);
    }
    return result;
  }

  /** Long `a or b or c ...` chains nest to the left; walk them in a loop, not by recursion. */
  private combine(expr: Extract<SelectionExpr, { type: "and" | "or" }>): Set<string> {
    const rights: SelectionExpr[] = [];
    let node: SelectionExpr = expr;
    while (node.type === expr.type) {
      rights.push(node.right);
      node = node.left;
    }
    let result = this.evaluate(node);
    for (const right of rights.reverse()) {
      const next = this.evaluate(right);
      if (expr.type === "or") for (const key of next) result.add(key);
      else result = new Set([...result].filter((key) => next.has(key)));
    }
    return result;
  }

  private filter(keep: (key: string) => boolean): Set<string> {
    const result = new Set<string>();
    for (const key of this.graph.keys()) if (keep(key)) result.add(key);
    return result;
  }

  private filterAttributes(keep: (attrs: SelectableAttributes) => boolean): Set<string> {
    return this.filter((key) => keep(this.graph.attributes(key)));
  }

  private unknownKey(key: string): OrchError {
    const selection = this.selectionText();
    const suggestions = suggestKeys(key, this.graph.keys());
    const hint = suggestions.length > 0 ? ` Did you mean ${listAlternatives(suggestions)}?` : "";
    return new OrchError(ErrorCode.UNKNOWN_ASSET, `Unknown asset "${key}" in selection "${selection}".${hint}`, {
      details: { selection, key, suggestions },
    });
  }
}

function matchesValue(attrs: SelectableAttributes, attribute: "group" | "owner" | "kind", value: string): boolean {
  if (attribute === "group") return attrs.group === value;
  return (attribute === "owner" ? attrs.owners : attrs.kinds).includes(value);
}
