import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { asset, type AssetDefinition } from "./asset.ts";
import { output } from "./output.ts";
import { defineType } from "./type-check.ts";

describe("asset() types", () => {
  it("infers input types from the upstream's compute return type", () => {
    const orders = asset({ key: ["raw", "orders"], compute: () => [{ id: 1, amount: 2.5 }] });
    const total = asset({
      key: "total",
      ins: { orders },
      compute: ({ ins }) => {
        expectTypeOf(ins.orders).toEqualTypeOf<{ id: number; amount: number }[]>();
        return ins.orders.reduce((s, o) => s + o.amount, 0);
      },
    });
    expectTypeOf(total).toEqualTypeOf<AssetDefinition<number>>();
    expect(total.node.inputs[0]?.source).toEqual({ kind: "asset", assetKey: ["raw", "orders"] });
  });

  it("unwraps output(value, { metadata }) and awaits promises", () => {
    const a = asset({ key: "a", compute: async () => output("text", { metadata: { rows: 3 } }) });
    expectTypeOf(a).toEqualTypeOf<AssetDefinition<string>>();
    const b = asset({ key: "b", ins: { a }, compute: ({ ins }) => ins.a.length });
    expectTypeOf(b).toEqualTypeOf<AssetDefinition<number>>();
  });

  it("types config from the zod schema and inputs from a declared schema", () => {
    const Positive = defineType<number>("Positive", (v) => typeof v === "number" && v > 0);
    const a = asset({ key: "a", compute: () => 5 as unknown });
    const b = asset({
      key: "b",
      ins: { a: { asset: a, schema: Positive } },
      config: z.object({ factor: z.number().default(2) }),
      compute: ({ ins, config }) => {
        expectTypeOf(config).toEqualTypeOf<{ factor: number }>();
        expectTypeOf(ins.a).toEqualTypeOf<number>();
        return ins.a * config.factor;
      },
    });
    expect(b.node.inputs[0]?.typeCheck?.name).toBe("Positive");
  });

  it("records definition attributes on the spec", () => {
    const a = asset({
      key: "raw/events",
      group: "ingest",
      description: "Raw events",
      tags: { tier: "bronze" },
      owners: ["data@example.com"],
      kinds: ["json"],
      codeVersion: "v2",
      metadata: { source: "api" },
      deps: ["upstream"],
      retry: { maxRetries: 2 },
      compute: () => 1,
    });
    expect(a.specs[0]).toMatchObject({ id: "raw/events", group: "ingest", tags: { tier: "bronze" }, owners: ["data@example.com"], kinds: ["json"], codeVersion: "v2" });
    expect(a.upstream).toEqual([["upstream"]]);
    expect(a.node.retry).toEqual({ maxRetries: 2 });
  });
});
