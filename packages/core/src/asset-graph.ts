import { assetKeyToString } from "./asset-key.ts";
import type { AssetCheckSpec, AssetSpec, AssetsDefinition } from "./asset.ts";
import type { AssetCheckDefinition } from "./asset-check.ts";
import { ErrorCode, OrchError } from "./errors.ts";
import type { ExecutableNode } from "./node.ts";
import type { SelectableAttributes, SelectableGraph } from "./selection/selectable-graph.ts";
import { didYouMean } from "./suggest.ts";

/**
 * The asset graph: every asset key with its producing node, parents and children. Built once per definitions;
 * construction refuses duplicate keys, unknown upstream keys and cycles.
 */
export class AssetGraph implements SelectableGraph {
  readonly #specs = new Map<string, AssetSpec>();
  /** Asset id → the node that produces it (absent for external assets without observe). */
  readonly #producer = new Map<string, ExecutableNode>();
  readonly #parents = new Map<string, string[]>();
  readonly #children = new Map<string, string[]>();
  readonly #checks = new Map<string, AssetCheckSpec[]>();
  readonly #order: string[];
  readonly nodes = new Map<string, ExecutableNode>();
  readonly #definitionOf = new Map<string, AssetsDefinition>();

  readonly #checkNodes = new Map<string, ExecutableNode[]>();

  constructor(definitions: readonly AssetsDefinition[], checks: readonly AssetCheckDefinition[] = []) {
    for (const def of definitions) this.#add(def);
    for (const check of checks) this.#addCheck(check);
    for (const [id, spec] of this.#specs) {
      const parents = spec.upstream.map(assetKeyToString).filter((p, i, all) => p !== id && all.indexOf(p) === i);
      for (const parent of parents) {
        if (!this.#specs.has(parent)) {
          throw new OrchError(
            ErrorCode.UNKNOWN_DEPENDENCY,
            `Asset "${id}" depends on "${parent}", which is not defined.${didYouMean(parent, this.#specs.keys())}`,
            { details: { assetKey: id, dependency: parent } },
          );
        }
        this.#children.get(parent)!.push(id);
      }
      this.#parents.set(id, parents);
    }
    this.#order = this.#topologicalOrder();
  }

  #add(def: AssetsDefinition): void {
    for (const spec of def.specs) {
      const existing = this.#definitionOf.get(spec.id);
      if (existing) {
        throw new OrchError(
          ErrorCode.DUPLICATE_ASSET_KEY,
          `Asset key "${spec.id}" is defined twice${describeOrigin(existing, def)}. Each asset key must have one definition.`,
          { details: { assetKey: spec.id } },
        );
      }
      this.#definitionOf.set(spec.id, def);
      this.#specs.set(spec.id, spec);
      this.#children.set(spec.id, []);
      if (def.node && !spec.external) this.#producer.set(spec.id, def.node);
    }
    if (def.node) {
      if (this.nodes.has(def.node.id)) {
        throw new OrchError(ErrorCode.DUPLICATE_ASSET_KEY, `Two definitions share the node id "${def.node.id}".`);
      }
      this.nodes.set(def.node.id, def.node);
    }
    for (const check of def.checks ?? []) {
      const id = assetKeyToString(check.assetKey);
      const list = this.#checks.get(id) ?? [];
      list.push(check);
      this.#checks.set(id, list);
    }
  }

  #addCheck(check: AssetCheckDefinition): void {
    const id = assetKeyToString(check.spec.assetKey);
    if (!this.#specs.has(id)) {
      throw new OrchError(ErrorCode.UNKNOWN_DEPENDENCY, `Check "${check.spec.name}" is on asset "${id}", which is not defined.${didYouMean(id, this.#specs.keys())}`);
    }
    if (this.nodes.has(check.node.id)) {
      throw new OrchError(ErrorCode.INVALID_DEFINITION, `Asset "${id}" has two checks named "${check.spec.name}".`);
    }
    this.nodes.set(check.node.id, check.node);
    this.#checks.set(id, [...(this.#checks.get(id) ?? []), check.spec]);
    this.#checkNodes.set(id, [...(this.#checkNodes.get(id) ?? []), check.node]);
  }

  /** Check nodes that run as their own steps after an asset. */
  checkNodes(key: string): readonly ExecutableNode[] {
    return this.#checkNodes.get(key) ?? [];
  }

  #topologicalOrder(): string[] {
    // Kahn's algorithm; whatever is left over lies on or behind a cycle.
    const indegree = new Map<string, number>();
    for (const [id, parents] of this.#parents) indegree.set(id, parents.length);
    const queue = [...indegree].filter(([, d]) => d === 0).map(([id]) => id);
    const order: string[] = [];
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i]!;
      order.push(id);
      for (const child of this.#children.get(id)!) {
        const d = indegree.get(child)! - 1;
        indegree.set(child, d);
        if (d === 0) queue.push(child);
      }
    }
    if (order.length !== this.#specs.size) {
      const cycle = this.#findCycle(new Set(order));
      throw new OrchError(ErrorCode.DEPENDENCY_CYCLE, `Assets form a cycle: ${cycle.join(" → ")}. Remove one of these dependencies.`, {
        details: { cycle },
      });
    }
    return order;
  }

  #findCycle(done: ReadonlySet<string>): string[] {
    const start = [...this.#specs.keys()].find((id) => !done.has(id))!;
    // Walk parents among the unfinished nodes until a node repeats: that loop is a cycle.
    const seen = new Map<string, number>();
    const path: string[] = [];
    let current = start;
    while (!seen.has(current)) {
      seen.set(current, path.length);
      path.push(current);
      current = this.#parents.get(current)!.find((p) => !done.has(p))!;
    }
    const loop = path.slice(seen.get(current)!).reverse();
    return [...loop, loop[0]!];
  }

  keys(): readonly string[] {
    return this.#order;
  }
  has(key: string): boolean {
    return this.#specs.has(key);
  }
  parents(key: string): readonly string[] {
    return this.#parents.get(key) ?? [];
  }
  children(key: string): readonly string[] {
    return this.#children.get(key) ?? [];
  }
  attributes(key: string): SelectableAttributes {
    return this.spec(key);
  }
  spec(key: string): AssetSpec {
    const spec = this.#specs.get(key);
    if (!spec) throw new OrchError(ErrorCode.UNKNOWN_ASSET, `Unknown asset "${key}".${didYouMean(key, this.#specs.keys())}`);
    return spec;
  }
  specs(): AssetSpec[] {
    return this.#order.map((id) => this.#specs.get(id)!);
  }
  producer(key: string): ExecutableNode | undefined {
    return this.#producer.get(key);
  }
  definitionOf(key: string): AssetsDefinition | undefined {
    return this.#definitionOf.get(key);
  }
  checks(key: string): readonly AssetCheckSpec[] {
    return this.#checks.get(key) ?? [];
  }
}

function describeOrigin(a: AssetsDefinition, b: AssetsDefinition): string {
  const groupOf = (d: AssetsDefinition) => d.specs[0]?.group;
  const ga = groupOf(a);
  const gb = groupOf(b);
  return ga && gb ? ` (in group "${ga}" and in group "${gb}")` : "";
}
