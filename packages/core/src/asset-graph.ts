import { assetKeyToString } from "./asset-key.ts";
import type { AssetCheckSpec, AssetSpec, AssetsDefinition } from "./asset.ts";
import type { AssetCheckDefinition } from "./asset-check.ts";
import { ErrorCode, OrchError } from "./errors.ts";
import type { ExecutableNode } from "./node.ts";
import type { SelectableAttributes, SelectableGraph } from "./selection/selectable-graph.ts";
import { topologicalOrder } from "./graph/topological-order.ts";
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

  readonly #report: (problem: OrchError) => void;

  /**
   * `report` receives each refusal; by default the first one is thrown. `defineDefinitions` passes a collector, so
   * that all of them are reported at once: the graph then leaves out what was refused (a second definition of a
   * key, an unknown dependency) and, when there is a cycle, has no order.
   */
  constructor(definitions: readonly AssetsDefinition[], checks: readonly AssetCheckDefinition[] = [], report?: (problem: OrchError) => void) {
    this.#report =
      report ??
      ((problem) => {
        throw problem;
      });
    for (const def of definitions) this.#add(def);
    for (const check of checks) this.#addCheck(check);
    for (const [id, spec] of this.#specs) {
      const parents: string[] = [];
      for (const parent of new Set(spec.upstream.map(assetKeyToString))) {
        if (!this.#specs.has(parent)) {
          this.#report(
            new OrchError(ErrorCode.UNKNOWN_DEPENDENCY, `Asset "${id}" depends on "${parent}", which is not defined.${didYouMean(parent, this.#specs.keys())}`, {
              details: { assetKey: id, dependency: parent },
            }),
          );
          continue;
        }
        parents.push(parent);
        this.#children.get(parent)!.push(id);
      }
      this.#parents.set(id, parents);
    }
    const sorted = topologicalOrder(this.#specs.keys(), (id) => this.#parents.get(id)!);
    if (sorted.cycle) {
      this.#report(
        new OrchError(ErrorCode.DEPENDENCY_CYCLE, `Assets form a cycle: ${sorted.cycle.join(" → ")}. Remove one of these dependencies.`, {
          details: { cycle: sorted.cycle },
        }),
      );
    }
    this.#order = sorted.order ?? [];
  }

  #add(def: AssetsDefinition): void {
    let refused = false;
    for (const spec of def.specs) {
      const existing = this.#specs.get(spec.id);
      if (existing) {
        // A placeholder stands in for a key only until a definition of that key (or an earlier placeholder) exists.
        if (spec.placeholder) continue;
        if (!existing.placeholder) {
          this.#report(
            new OrchError(
              ErrorCode.DUPLICATE_ASSET_KEY,
              `Asset key "${spec.id}" is defined twice${describeOrigin(this.#definitionOf.get(spec.id)!, def)}. Each asset key must have one definition.`,
              { details: { assetKey: spec.id } },
            ),
          );
          refused = true;
          continue;
        }
        this.#producer.delete(spec.id);
      }
      if (spec.placeholder && !spec.external) {
        this.#report(new OrchError(ErrorCode.INVALID_DEFINITION, `Asset "${spec.id}" is a placeholder but not external: a placeholder stands in for a key that another definition may own, so it must be external.`, { details: { assetKey: spec.id } }));
        continue;
      }
      this.#definitionOf.set(spec.id, def);
      this.#specs.set(spec.id, spec);
      if (!existing) this.#children.set(spec.id, []);
      if (def.node && !spec.external) this.#producer.set(spec.id, def.node);
    }
    if (def.node) {
      if (this.nodes.has(def.node.id)) {
        // Two definitions of one key usually share the node id too: that key was reported already.
        if (!refused) this.#report(new OrchError(ErrorCode.DUPLICATE_ASSET_KEY, `Two definitions share the node id "${def.node.id}".`, { details: { nodeId: def.node.id } }));
      } else {
        this.nodes.set(def.node.id, def.node);
      }
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
      this.#report(new OrchError(ErrorCode.UNKNOWN_DEPENDENCY, `Check "${check.spec.name}" is on asset "${id}", which is not defined.${didYouMean(id, this.#specs.keys())}`, { details: { assetKey: id, check: check.spec.name } }));
      return;
    }
    if (this.nodes.has(check.node.id)) {
      this.#report(new OrchError(ErrorCode.INVALID_DEFINITION, `Asset "${id}" has two checks named "${check.spec.name}".`, { details: { assetKey: id, check: check.spec.name } }));
      return;
    }
    this.nodes.set(check.node.id, check.node);
    this.#checks.set(id, [...(this.#checks.get(id) ?? []), check.spec]);
    this.#checkNodes.set(id, [...(this.#checkNodes.get(id) ?? []), check.node]);
  }

  /** Check nodes that run as their own steps after an asset. */
  checkNodes(key: string): readonly ExecutableNode[] {
    return this.#checkNodes.get(key) ?? [];
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
