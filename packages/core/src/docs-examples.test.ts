import { describe, expect, it } from "vitest";

// The examples in docs/concepts are real files; these tests run them so the docs cannot drift from the code.
describe("docs/concepts examples", () => {
  it("assets.example.ts materializes +revenue with config, a resource, a multi-asset and an external asset", async () => {
    const { main } = await import("../../../docs/concepts/examples/assets.example.ts");
    const { status, steps, revenueEvent } = await main();
    expect(status).toBe("SUCCESS");
    expect(steps).toEqual(["raw/orders", "split_orders", "revenue"]);
    expect(revenueEvent).toMatchObject({ type: "ASSET_MATERIALIZATION", assetKey: ["revenue"] });
  });

  it("asset-checks.example.ts: a blocking check stops daily_total, a warn check does not", async () => {
    const { main } = await import("../../../docs/concepts/examples/asset-checks.example.ts");
    const { status, evaluations, skipped } = await main();
    expect(status).toBe("FAILURE");
    expect(evaluations.map((e) => e.type === "ASSET_CHECK_EVALUATION" && [e.checkName, e.passed, e.severity]).sort()).toEqual([
      ["has_rows", true, "warn"],
      ["non_negative_amounts", false, "error"],
    ]);
    expect(skipped.map((e) => e.stepKey)).toEqual(["daily_total"]);
  });
});
