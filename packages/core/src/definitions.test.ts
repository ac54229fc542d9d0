import { describe, expect, it } from "vitest";
import { asset, type AssetsDefinition } from "./asset.ts";
import { DefinitionsError } from "./definition-problems.ts";
import { assertBound, defineDefinitions } from "./definitions.ts";
import { externalAsset } from "./external-asset.ts";
import { defineResource } from "./resource.ts";
import { refusal } from "./refusal.test-support.ts";

const noop = () => 1;

describe("defineDefinitions refusals", () => {
  it("refuses duplicate asset keys, naming the key", () => {
    const a1 = asset({ key: ["raw", "orders"], group: "sales", compute: noop });
    const a2 = asset({ key: "raw/orders", group: "finance", compute: noop });
    const r = refusal(() => defineDefinitions({ assets: [a1, a2] }));
    expect(r.code).toBe("DUPLICATE_ASSET_KEY");
    expect(r.message).toContain('Asset key "raw/orders" is defined twice');
    expect(r.message).toContain('group "sales"');
  });

  it("refuses dependencies on unknown keys and suggests close ones", () => {
    const orders = asset({ key: "orders", compute: noop });
    const revenue = asset({ key: "revenue", deps: ["ordrs"], compute: noop });
    const r = refusal(() => defineDefinitions({ assets: [orders, revenue] }));
    expect(r.code).toBe("UNKNOWN_DEPENDENCY");
    expect(r.message).toBe('[orch] Asset "revenue" depends on "ordrs", which is not defined. Did you mean "orders"?');
  });

  it("refuses cycles and prints the cycle", () => {
    const a = asset({ key: "a", deps: ["c"], compute: noop });
    const b = asset({ key: "b", deps: ["a"], compute: noop });
    const c = asset({ key: "c", deps: ["b"], compute: noop });
    const r = refusal(() => defineDefinitions({ assets: [a, b, c] }));
    expect(r.code).toBe("DEPENDENCY_CYCLE");
    expect(r.message).toMatch(/Assets form a cycle: (a → b → c → a|b → c → a → b|c → a → b → c)\./);
  });

  it("refuses an asset whose resource is bound nowhere, naming asset and resource", () => {
    const a = asset({ key: "orders", resources: ["warehouse"], compute: noop });
    // The key may still be bound by the instance (orch.yaml `resources:`): the refusal comes when nothing did.
    const defs = defineDefinitions({ assets: [a], resources: { warehose: 1 } });
    expect(defs.unbound).toEqual([{ kind: "resource", key: "warehouse", owner: 'Asset "orders"' }]);
    const r = refusal(() => assertBound(defs));
    expect(r.code).toBe("MISSING_RESOURCE");
    expect(r.message).toContain('Asset "orders" requires resource "warehouse", which is not provided.');
    expect(r.message).toContain('Did you mean "warehose"? Bind it in defineDefinitions({ resources }) or under `resources:` in orch.yaml.');
  });

  it("refuses a resource that requires a missing resource", () => {
    const client = defineResource({ requires: ["credentials"], create: () => ({}) });
    const r = refusal(() => assertBound(defineDefinitions({ resources: { client: client() } })));
    expect(r.message).toContain('Resource "client" requires resource "credentials"');
  });

  it("refuses IO manager keys bound nowhere", () => {
    const a = asset({ key: "orders", ioManager: "warehouse_io", compute: noop });
    const r = refusal(() => assertBound(defineDefinitions({ assets: [a] })));
    expect(r.code).toBe("UNKNOWN_IO_MANAGER");
    expect(r.message).toContain('Asset "orders" uses IO manager "warehouse_io", which is not defined. Defined IO managers: io.');
  });

  it("refuses invalid asset keys at declaration", () => {
    const r = refusal(() => asset({ key: "raw//orders", compute: noop }));
    expect(r.code).toBe("INVALID_ASSET_KEY");
    expect(r.message).toContain('invalid segment ""');
  });

  it("accepts a valid graph and orders it topologically", () => {
    const a = asset({ key: "a", compute: noop });
    const b = asset({ key: "b", ins: { a }, compute: noop });
    const c = asset({ key: "c", deps: [b], ins: { a }, compute: noop });
    const defs = defineDefinitions({ assets: [c, b, a] });
    expect(defs.graph.keys()).toEqual(["a", "b", "c"]);
    expect(defs.graph.parents("c")).toEqual(["a", "b"]);
    expect([...defs.graph.children("a")].sort()).toEqual(["b", "c"]);
  });

  it("refuses an asset that depends on itself as a cycle", () => {
    const a = asset({ key: "a", deps: ["a"], compute: noop });
    const r = refusal(() => defineDefinitions({ assets: [a] }));
    expect(r.code).toBe("DEPENDENCY_CYCLE");
    expect(r.message).toBe("[orch] Assets form a cycle: a → a. Remove one of these dependencies.");
  });

  it("reports every problem at once: duplicate keys and unknown deps; then every key bound nowhere", () => {
    const orders = asset({ key: "orders", resources: ["warehouse"], compute: noop });
    const ordersAgain = asset({ key: "orders", compute: noop });
    const customers = asset({ key: "customers", compute: noop });
    const customersAgain = asset({ key: "customers", compute: noop });
    const revenue = asset({ key: "revenue", deps: ["ordrs", "custmers"], resources: ["fx"], compute: noop });
    let error: unknown;
    try {
      defineDefinitions({ assets: [orders, ordersAgain, customers, customersAgain, revenue] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DefinitionsError);
    const problems = (error as DefinitionsError).problems;
    expect(problems.map((p) => p.code)).toEqual(["DUPLICATE_ASSET_KEY", "DUPLICATE_ASSET_KEY", "UNKNOWN_DEPENDENCY", "UNKNOWN_DEPENDENCY"]);
    expect((error as DefinitionsError).code).toBe("DUPLICATE_ASSET_KEY");
    const message = (error as Error).message;
    expect(message).toMatch(/^\[orch\] 4 problems in the definitions:\n {2}1\. Asset key "orders" is defined twice/);
    expect(message).toContain('\n  2. Asset key "customers" is defined twice');
    expect(message).toContain('\n  3. Asset "revenue" depends on "ordrs", which is not defined.');
    expect(message).toContain('\n  4. Asset "revenue" depends on "custmers", which is not defined.');

    const sound = defineDefinitions({ assets: [orders, customers, asset({ key: "revenue", deps: ["orders"], resources: ["fx"], ioManager: "lake", compute: noop })] });
    const unbound = (() => {
      try {
        assertBound(sound);
      } catch (e) {
        return e as DefinitionsError;
      }
    })();
    expect(unbound?.problems.map((p) => p.code)).toEqual(["MISSING_RESOURCE", "MISSING_RESOURCE", "UNKNOWN_IO_MANAGER"]);
    expect(unbound?.message).toContain('\n  1. Asset "orders" requires resource "warehouse", which is not provided.');
    expect(unbound?.message).toContain('\n  2. Asset "revenue" requires resource "fx", which is not provided.');
    expect(unbound?.message).toContain('\n  3. Asset "revenue" uses IO manager "lake", which is not defined.');
  });

  it("lets a definition of a key replace another definition's placeholder for it, in either order", () => {
    const placeholder = externalAsset({ key: "raw/orders" });
    const standIn: AssetsDefinition = { specs: [{ ...placeholder.specs[0]!, placeholder: true }] };
    const real = asset({ key: "raw/orders", compute: noop });
    const reader = asset({ key: "report", deps: ["raw/orders"], compute: noop });
    for (const assets of [[standIn, real, reader], [real, standIn, reader]]) {
      const defs = defineDefinitions({ assets });
      expect(defs.graph.spec("raw/orders").external).toBeUndefined();
      expect(defs.graph.producer("raw/orders")).toBe(real.node);
      expect(defs.graph.keys()).toEqual(["raw/orders", "report"]);
    }
    // Alone, or twice, the placeholder is the key's external definition.
    const defs = defineDefinitions({ assets: [standIn, { specs: standIn.specs }, reader] });
    expect(defs.graph.spec("raw/orders")).toMatchObject({ external: true, placeholder: true });
    // A placeholder that is not external would be materialized by nobody: refused.
    const notExternal: AssetsDefinition = { specs: [{ ...real.specs[0], placeholder: true }] };
    expect(refusal(() => defineDefinitions({ assets: [notExternal] })).code).toBe("INVALID_DEFINITION");
  });
});
