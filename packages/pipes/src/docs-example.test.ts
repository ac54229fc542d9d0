import { describe, expect, it } from "vitest";
import { main } from "../../../docs/concepts/examples/pipes.example.ts";

// docs/concepts/pipes.md shows this example; running it keeps the page honest.
describe("docs/concepts/examples/pipes.example.ts", () => {
  it("a Python script's report becomes daily_summary's materialization and check", async () => {
    const { status, materializations, checks, logs } = await main();
    expect(status).toBe("SUCCESS");
    expect(materializations).toEqual([
      expect.objectContaining({ assetKey: ["reports", "daily_summary"], dataVersion: "orders-v4", metadata: { script: "pipes_summary.py", orders: 4, total: 231.5, large_orders: ["o1"] } }),
    ]);
    expect(checks).toEqual([expect.objectContaining({ checkName: "non_negative_amounts", passed: false, description: "1 negative amounts", metadata: { failing_ids: ["o3"] } })]);
    expect(logs).toContain("summarising 4 orders for reports/daily_summary");
  });
});
