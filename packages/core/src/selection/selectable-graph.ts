/** The view of the asset graph that selection works on: string keys (`a/b`) and their attributes. */
export interface SelectableGraph {
  /** Every asset key, as `a/b` strings, in a stable order. */
  keys(): readonly string[];
  has(key: string): boolean;
  parents(key: string): readonly string[];
  children(key: string): readonly string[];
  attributes(key: string): SelectableAttributes;
}

export interface SelectableAttributes {
  readonly group: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly owners: readonly string[];
  readonly kinds: readonly string[];
}
