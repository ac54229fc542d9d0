import { describe, expect, it } from "vitest";
import { asset, type AssetsDefinition } from "../asset.ts";
import { defineDefinitions } from "../definitions.ts";
import { buildPlan } from "../execution/planner.ts";
import { multiAsset } from "../multi-asset.ts";
import { refusal } from "../refusal.test-support.ts";

describe("plans whose steps would wait on each other", () => {
  // first and third come from one subsettable node (as dbt models do); middle, a plain asset, sits between them.
  const base = multiAsset({ name: "pair", canSubset: true, outs: { first: { key: "first" }, third: { key: "third" } }, compute: () => ({ first: 1, third: 3 }) });
  const pair: AssetsDefinition = {
    ...base,
    specs: base.specs.map((spec) => (spec.id === "third" ? { ...spec, upstream: [["middle"]] } : spec)),
    node: { ...base.node, deps: [["middle"]] },
  };
  const middle = asset({ key: "middle", deps: ["first"], compute: () => 2 });
  const defs = defineDefinitions({ assets: [pair, middle] });

  it("are refused, naming the steps and the assets that link them", () => {
    const r = refusal(() => buildPlan(defs, { assetKeys: new Set(["first", "middle", "third"]) }));
    expect(r.code).toBe("DEPENDENCY_CYCLE");
    expect(r.message).toContain("The selected assets need steps that wait on each other: ");
    expect(r.message).toMatch(/middle reads "middle" from "first"|pair reads "third" from "middle"/);
  });

  it("are fine when the selection leaves out one side", () => {
    expect(buildPlan(defs, { assetKeys: new Set(["first", "middle"]) }).steps.map((s) => s.key)).toEqual(["pair", "middle"]);
  });
});
