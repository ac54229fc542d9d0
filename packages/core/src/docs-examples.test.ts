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

  it("selection.example.ts resolves every documented form", async () => {
    const { examples } = await import("../../../docs/concepts/examples/selection.example.ts");
    expect(examples()).toEqual({
      "+marts/revenue": ["raw/orders", "staging/orders", "marts/revenue"],
      "raw/orders+": ["raw/orders", "staging/orders", "marts/revenue", "marts/ltv"],
      "1+marts/ltv": ["staging/orders", "staging/customers", "marts/ltv"],
      "group:staging": ["staging/orders", "staging/customers"],
      "tag:tier=silver and not staging/customers": ["staging/orders"],
      "owner:finance@example.com": ["marts/revenue", "marts/ltv"],
      "kind:json or kind:sql": ["raw/orders", "raw/customers", "marts/revenue"],
      "raw/*": ["raw/orders", "raw/customers"],
      "(+marts/ltv) and group:raw or group:ingest": ["raw/orders", "raw/customers"],
    });
  });
});
