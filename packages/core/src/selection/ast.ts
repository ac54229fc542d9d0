/**
 * The typed syntax tree of an asset selection such as `+group:sales and not tag:pii`.
 * Plain data (no classes) so a parsed selection can be logged, stored or sent as JSON.
 */
export type SelectionExpr =
  | AllSelection
  | KeySelection
  | GlobSelection
  | AttributeSelection
  | TagSelection
  | TraversalSelection
  | NotSelection
  | AndSelection
  | OrSelection;

/** `*`: every asset in the graph. */
export interface AllSelection {
  readonly type: "all";
}

/** `orders`, `raw/orders`, `"raw/orders"` or `key:raw/orders`: one asset, which must exist. */
export interface KeySelection {
  readonly type: "key";
  readonly key: string;
}

/** `raw/*`: every key the wildcard pattern matches (`*` matches any run of characters, `/` included). */
export interface GlobSelection {
  readonly type: "glob";
  readonly pattern: string;
}

/** The attributes a selection can filter on by exact value. */
export type ValueAttribute = "group" | "owner" | "kind";

/** `group:sales`, `owner:alice@x.com`, `kind:sql`. */
export interface AttributeSelection {
  readonly type: "attribute";
  readonly attribute: ValueAttribute;
  readonly value: string;
}

/** `tag:pii` (any value) or `tag:tier=gold` (that value). */
export interface TagSelection {
  readonly type: "tag";
  readonly name: string;
  readonly value?: string;
}

/** How many levels a traversal walks: a count, or `"all"` for the whole lineage. */
export type TraversalDepth = number | "all";

/** `+x` / `2+x` (ancestors), `x+` / `x+1` (descendants), `+x+`: the operand plus its lineage. */
export interface TraversalSelection {
  readonly type: "traversal";
  readonly operand: SelectionExpr;
  readonly upstream?: TraversalDepth;
  readonly downstream?: TraversalDepth;
}

/** `not x`: every asset not in `x`. */
export interface NotSelection {
  readonly type: "not";
  readonly operand: SelectionExpr;
}

/** `x and y`: assets in both. */
export interface AndSelection {
  readonly type: "and";
  readonly left: SelectionExpr;
  readonly right: SelectionExpr;
}

/** `x or y`, `x, y` or `x y`: assets in either. */
export interface OrSelection {
  readonly type: "or";
  readonly left: SelectionExpr;
  readonly right: SelectionExpr;
}

/** Attribute names accepted before `:`, in the order error messages list them. */
export const SELECTION_ATTRIBUTES = ["key", "group", "tag", "owner", "kind"] as const;
export type SelectionAttributeName = (typeof SELECTION_ATTRIBUTES)[number];
