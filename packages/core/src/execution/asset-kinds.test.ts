import { describe, expect, it } from "vitest";
import { assetCheck } from "../asset-check.ts";
import { asset } from "../asset.ts";
import { defineDefinitions } from "../definitions.ts";
import { externalAsset } from "../external-asset.ts";
import { memoryIOManager } from "../io/memory-io-manager.ts";
import { multiAsset } from "../multi-asset.ts";
import { memoryStorage } from "../storage/index.ts";
import { materialize } from "./materialize.ts";
import { observe } from "./observe.ts";

describe("multi-assets", () => {
  const split = multiAsset({
    name: "split_orders",
    group: "sales",
    outs: { shipped: { key: ["orders", "shipped"] }, returned: { key: ["orders", "returned"] } },
    compute: ({ selectedOutputs }) => ({
      ...(selectedOutputs.includes("shipped") ? { shipped: [1, 2] } : {}),
      ...(selectedOutputs.includes("returned") ? { returned: [3] } : {}),
    }),
  });

  it("materializes several asset keys from one compute, one step", async () => {
    const count = asset({ key: "shipped_count", ins: { shipped: split.outs.shipped }, compute: ({ ins }) => (ins.shipped as number[]).length });
    const instance = memoryStorage();
    const result = await materialize(defineDefinitions({ assets: [split, count] }), { instance });
    expect(result.run.stepKeys).toEqual(["split_orders", "shipped_count"]);
    const mats = (await instance.getEvents(result.runId)).filter((e) => e.type === "ASSET_MATERIALIZATION").map((e) => e.type === "ASSET_MATERIALIZATION" && e.assetKey.join("/"));
    expect(mats).toEqual(["orders/shipped", "orders/returned", "shipped_count"]);
  });

  it("refuses a subset unless the multi-asset allows it", async () => {
    await expect(materialize(defineDefinitions({ assets: [split] }), { selection: "orders/shipped" })).rejects.toThrowError(
      'Assets of "split_orders" are computed together and cannot be subset: also select "orders/returned"',
    );
    const subsettable = multiAsset({ name: "sub", canSubset: true, outs: { a: { key: "a" }, b: { key: "b" } }, compute: ({ selectedOutputs }) => Object.fromEntries(selectedOutputs.map((o) => [o, o])) });
    const instance = memoryStorage();
    const result = await materialize(defineDefinitions({ assets: [subsettable] }), { selection: "b", instance });
    expect(result.status).toBe("SUCCESS");
    expect((await instance.getAssetIndex()).map((e) => e.assetKey)).toEqual(["b"]);
  });
});

describe("external assets", () => {
  it("are observed (never materialized) and read downstream through their IO manager", async () => {
    const io = memoryIOManager();
    await io.handleOutput({ runId: "vendor", stepKey: "vendor", outputName: "result", assetKey: ["vendor", "prices"], definitionMetadata: {}, log: console as never }, { eur: 1.1 });
    const prices = externalAsset<{ eur: number }>({
      key: ["vendor", "prices"],
      group: "vendor",
      observe: () => ({ metadata: { rows: 1 }, dataVersion: "2024-03-01" }),
    });
    const converted = asset({ key: "converted", ins: { prices }, compute: ({ ins }) => 100 * ins.prices.eur });
    const defs = defineDefinitions({ assets: [prices, converted] });
    const instance = memoryStorage();
    const obs = await observe(defs, { instance });
    expect(obs.status).toBe("SUCCESS");
    const observation = (await instance.getEvents(obs.runId)).find((e) => e.type === "ASSET_OBSERVATION");
    expect(observation).toMatchObject({ assetKey: ["vendor", "prices"], dataVersion: "2024-03-01", metadata: { rows: 1 } });
    const run = await materialize(defs, { instance, selection: "+converted", defaultIOManager: io });
    expect(run.run.stepKeys).toEqual(["converted"]);
    expect(run.status).toBe("SUCCESS");
    await expect(materialize(defs, { selection: ["vendor/prices"] })).rejects.toThrowError('Asset "vendor/prices" is external');
  });
});

describe("asset checks", () => {
  const orders = asset({ key: "orders", compute: () => [{ amount: 5 }, { amount: -2 }] });
  const revenue = asset({ key: "revenue", ins: { orders }, compute: ({ ins }) => ins.orders.reduce((s, o) => s + o.amount, 0) });
  const nonNegative = (blocking: boolean, severity: "error" | "warn" = "error") =>
    assetCheck({
      asset: orders,
      name: "non_negative_amounts",
      blocking,
      severity,
      check: ({ value }) => {
        const bad = value.filter((o) => o.amount < 0).length;
        return { passed: bad === 0, metadata: { failing_rows: bad } };
      },
    });

  it("run after their asset and are queryable per asset", async () => {
    const instance = memoryStorage();
    const result = await materialize(defineDefinitions({ assets: [orders, revenue], checks: [nonNegative(false)] }), { instance });
    expect(result.status).toBe("SUCCESS");
    expect(result.run.stepKeys).toEqual(["orders", "revenue", "orders:non_negative_amounts"]);
    const evaluations = await instance.getAssetEvents("orders", ["ASSET_CHECK_EVALUATION"]);
    expect(evaluations[0]).toMatchObject({ checkName: "non_negative_amounts", passed: false, severity: "error", blocking: false, metadata: { failing_rows: 1 } });
  });

  it("a failing blocking ERROR check stops downstream assets in the same run", async () => {
    const instance = memoryStorage();
    const result = await materialize(defineDefinitions({ assets: [orders, revenue], checks: [nonNegative(true)] }), { instance });
    expect(result.status).toBe("FAILURE");
    const events = await instance.getEvents(result.runId);
    expect(events.find((e) => e.type === "STEP_SKIPPED")).toMatchObject({ stepKey: "revenue", reason: 'a blocking check on asset "orders" failed' });
    expect(events.at(-1)).toMatchObject({ type: "RUN_FAILURE", reason: "Blocking checks failed on orders" });
  });

  it("a WARN-severity blocking check does not block", async () => {
    const result = await materialize(defineDefinitions({ assets: [orders, revenue], checks: [nonNegative(true, "warn")] }));
    expect(result.status).toBe("SUCCESS");
  });

  it("run on their own against the stored asset", async () => {
    const io = memoryIOManager();
    const defs = defineDefinitions({ assets: [orders, revenue], checks: [nonNegative(false)] });
    const instance = memoryStorage();
    await materialize(defs, { instance, selection: "orders", checks: "exclude", defaultIOManager: io });
    const checksOnly = await materialize(defs, { instance, selection: "orders", checks: "only", defaultIOManager: io });
    expect(checksOnly.run.stepKeys).toEqual(["orders:non_negative_amounts"]);
    expect((await instance.getAssetEvents("orders", ["ASSET_CHECK_EVALUATION"])).length).toBe(1);
  });

  it("refuses checks on unknown assets and duplicate check names", () => {
    expect(() => defineDefinitions({ assets: [revenue.node ? orders : orders], checks: [assetCheck({ asset: "ordrs", name: "x", check: () => true })] })).toThrowError(
      'Check "x" is on asset "ordrs", which is not defined. Did you mean "orders"?',
    );
    expect(() => defineDefinitions({ assets: [orders], checks: [nonNegative(false), nonNegative(true)] })).toThrowError('Asset "orders" has two checks named "non_negative_amounts".');
  });
});

describe("partly failed nodes", () => {
  it("store what they produced, fail the step, and feed children that read only stored outputs", async () => {
    const tool = multiAsset({
      name: "tool",
      outs: { good: { key: "good" }, bad: { key: "bad" } },
      compute: () => ({ good: 1 }),
    });
    // Simulate an integration (like dbt) that reports partial success through NodeResult.failure.
    const partial = { ...tool, node: { ...tool.node, nodeKind: "multi_asset" as const, invoke: async () => ({ outputs: new Map([["good", { value: 1 }]]), failure: new Error("model bad failed") }) } };
    const afterGood = asset({ key: "after_good", ins: { good: "good" }, compute: ({ ins }) => ins.good });
    const afterBad = asset({ key: "after_bad", ins: { bad: "bad" }, compute: ({ ins }) => ins.bad });
    const instance = memoryStorage();
    const result = await materialize(defineDefinitions({ assets: [partial, afterGood, afterBad] }), { instance });
    expect(result.status).toBe("FAILURE");
    const events = await instance.getEvents(result.runId);
    expect(events.filter((e) => e.type === "ASSET_MATERIALIZATION").map((e) => e.type === "ASSET_MATERIALIZATION" && e.assetKey.join("/"))).toEqual(["good", "after_good"]);
    expect(events.find((e) => e.type === "STEP_FAILURE")).toMatchObject({ stepKey: "tool", error: { message: "[orch] model bad failed" } });
    expect(events.find((e) => e.type === "STEP_SKIPPED")).toMatchObject({ stepKey: "after_bad" });
  });
});

describe("checks reported by a multi-asset step", () => {
  const make = (failure?: Error) => {
    const tool = multiAsset({ name: "tool", outs: { a: { key: "a" }, b: { key: "b" }, c: { key: "c" } }, compute: () => ({}) });
    return {
      ...tool,
      node: {
        ...tool.node,
        invoke: async () => ({
          outputs: new Map([
            ["a", { value: 1 }],
            ["b", { value: 2 }],
            ...(failure ? [] : [["c", { value: 3 }] as const]),
          ]),
          checkResults: [{ assetKey: ["a"], checkName: "not_null", passed: false, severity: "error" as const, blocking: true }],
          ...(failure ? { failure } : {}),
        }),
      },
    };
  };
  const readsA = asset({ key: "reads_a", ins: { a: "a" }, compute: () => 1 });
  const readsB = asset({ key: "reads_b", ins: { b: "b" }, compute: () => 1 });
  const readsC = asset({ key: "reads_c", ins: { c: "c" }, compute: () => 1 });

  it("skip only the children that read the asset whose blocking check failed", async () => {
    const instance = memoryStorage();
    const result = await materialize(defineDefinitions({ assets: [make(), readsA, readsB] }), { instance });
    const events = await instance.getEvents(result.runId);
    expect(events.filter((e) => e.type === "STEP_SKIPPED").map((e) => e.stepKey)).toEqual(["reads_a"]);
    expect(events.some((e) => e.type === "STEP_SUCCESS" && e.stepKey === "reads_b")).toBe(true);
  });

  it("keep blocking after a partial failure", async () => {
    const instance = memoryStorage();
    const result = await materialize(defineDefinitions({ assets: [make(new Error("model c failed")), readsA, readsB, readsC] }), { instance });
    const events = await instance.getEvents(result.runId);
    expect(events.filter((e) => e.type === "STEP_SKIPPED").map((e) => e.stepKey).sort()).toEqual(["reads_a", "reads_c"]);
    expect(events.some((e) => e.type === "STEP_SUCCESS" && e.stepKey === "reads_b")).toBe(true);
  });
});
