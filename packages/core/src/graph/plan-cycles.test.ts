import { describe, expect, it } from "vitest";
import { asset, type AssetsDefinition } from "../asset.ts";
import { defineDefinitions } from "../definitions.ts";
import { buildPlan } from "../execution/planner.ts";
import { multiAsset } from "../multi-asset.ts";
import { refusal } from "../refusal.test-support.ts";

// first and third come from one node (as dbt models of one selection do); middle, a plain asset, sits between them.
function definitions(canSubset: boolean) {
  const base = multiAsset({ name: "pair", canSubset, outs: { first: { key: "first" }, third: { key: "third" } }, compute: () => ({ first: 1, third: 3 }) });
  const pair: AssetsDefinition = {
    ...base,
    specs: base.specs.map((spec) => (spec.id === "third" ? { ...spec, upstream: [["middle"]] } : spec)),
    node: { ...base.node, deps: [["middle"]] },
  };
  const middle = asset({ key: "middle", deps: ["first"], compute: () => 2 });
  return defineDefinitions({ assets: [pair, middle] });
}
const all = new Set(["first", "middle", "third"]);

describe("plans whose nodes read each other's assets both ways", () => {
  it("split a node that may be subset into one step per level, each waiting only for lower levels", () => {
    const steps = buildPlan(definitions(true), { assetKeys: all }).steps.map((s) => ({ key: s.key, node: s.nodeId, outputs: s.selectedOutputs, deps: s.deps }));
    expect(steps).toEqual([
      { key: "pair", node: "pair", outputs: ["first"], deps: [] },
      { key: "pair#2", node: "pair", outputs: ["third"], deps: ["middle"] },
      { key: "middle", node: "middle", outputs: ["result"], deps: ["pair"] },
    ]);
  });

  it("refuse a node that cannot be subset, naming the steps and the assets that link them", () => {
    const r = refusal(() => buildPlan(definitions(false), { assetKeys: all }));
    expect(r.code).toBe("DEPENDENCY_CYCLE");
    expect(r.message).toMatch(/^\[orch\] The selected assets need steps that wait on each other: (middle → pair → middle|pair → middle → pair) \(/);
    expect(r.message).toContain('middle waits for pair ("middle" reads "first")');
    expect(r.message).toContain('pair waits for middle ("third" reads "middle")');
  });

  it("keep one step per node when the selection crosses one way only", () => {
    expect(buildPlan(definitions(true), { assetKeys: new Set(["first", "middle"]) }).steps.map((s) => s.key)).toEqual(["pair", "middle"]);
  });
});

describe("splitting steps", () => {
  it("leaves whole the nodes that are on no loop", () => {
    const base = multiAsset({ name: "pair", canSubset: true, outs: { first: { key: "first" }, third: { key: "third" } }, compute: () => ({ first: 1, third: 3 }) });
    const pair: AssetsDefinition = { ...base, specs: base.specs.map((spec) => (spec.id === "third" ? { ...spec, upstream: [["middle"]] } : spec)), node: { ...base.node, deps: [["middle"]] } };
    const middle = asset({ key: "middle", deps: ["first"], compute: () => 2 });
    // Downstream of everything, subsettable, with outs on different levels: still one step.
    const tailBase = multiAsset({ name: "tail", canSubset: true, outs: { x: { key: "x" }, y: { key: "y" } }, deps: ["first", "third"], compute: () => ({ x: 1, y: 2 }) });
    const tail: AssetsDefinition = { ...tailBase, specs: tailBase.specs.map((spec) => ({ ...spec, upstream: [[spec.id === "x" ? "first" : "third"]] })) };
    const defs = defineDefinitions({ assets: [pair, middle, tail] });
    const steps = buildPlan(defs, { assetKeys: new Set(["first", "middle", "third", "x", "y"]) }).steps.map((s) => s.key);
    expect(steps).toEqual(["pair", "pair#2", "middle", "tail"]);
  });
});
