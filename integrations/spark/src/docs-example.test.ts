import { describe, expect, it } from "vitest";
import { main } from "../../../docs/integrations/examples/spark.example.ts";

// docs/integrations/spark.md shows this example; running it (against the fake spark-submit) keeps the page honest.
describe("docs/integrations/examples/spark.example.ts", () => {
  it("materializes lake/clean_orders for one day from the job's Pipes report", async () => {
    const { status, materializations, checks } = await main();
    expect(status).toBe("SUCCESS");
    expect(materializations).toEqual([
      expect.objectContaining({
        assetKey: ["lake", "clean_orders"],
        partition: "2024-03-02",
        dataVersion: "orders-2024-03-02-1200",
        metadata: expect.objectContaining({ rows: 1200, path: "s3a://lake/clean/orders/date=2024-03-02", "spark/application_id": expect.stringMatching(/^application_/) }),
      }),
    ]);
    expect(checks).toEqual([expect.objectContaining({ checkName: "no_null_order_ids", passed: true })]);
  });
});
