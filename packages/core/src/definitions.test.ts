import { describe, expect, it } from "vitest";
import { asset } from "./asset.ts";
import { defineDefinitions } from "./definitions.ts";
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

  it("refuses an asset whose resource is not provided, naming asset and resource", () => {
    const a = asset({ key: "orders", resources: ["warehouse"], compute: noop });
    const r = refusal(() => defineDefinitions({ assets: [a], resources: { warehose: 1 } }));
    expect(r.code).toBe("MISSING_RESOURCE");
    expect(r.message).toContain('Asset "orders" requires resource "warehouse", which is not provided.');
    expect(r.message).toContain('Did you mean "warehose"?');
  });

  it("refuses a resource that requires a missing resource", () => {
    const client = defineResource({ requires: ["credentials"], create: () => ({}) });
    const r = refusal(() => defineDefinitions({ resources: { client: client() } }));
    expect(r.message).toContain('Resource "client" requires resource "credentials"');
  });

  it("refuses unknown IO manager keys", () => {
    const a = asset({ key: "orders", ioManager: "warehouse_io", compute: noop });
    const r = refusal(() => defineDefinitions({ assets: [a] }));
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
});
