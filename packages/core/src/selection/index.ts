export type { SelectableAttributes, SelectableGraph } from "./selectable-graph.ts";
export type {
  AllSelection,
  AndSelection,
  AttributeSelection,
  GlobSelection,
  KeySelection,
  NotSelection,
  OrSelection,
  SelectionAttributeName,
  SelectionExpr,
  TagSelection,
  TraversalDepth,
  TraversalSelection,
  ValueAttribute,
} from "./ast.ts";
export { SELECTION_ATTRIBUTES } from "./ast.ts";
export { parseSelection } from "./parse-selection.ts";
export { resolveSelection } from "./resolve-selection.ts";
export { formatSelection } from "./format-selection.ts";
export { globMatch, globMatcher, type GlobSyntax } from "./key-glob.ts";
