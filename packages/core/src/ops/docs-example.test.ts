import { describe, expect, it } from "vitest";
import { runOpsExample } from "../../../../docs/concepts/examples/ops-and-jobs.example.ts";

describe("docs/concepts/examples/ops-and-jobs.example.ts", () => {
  it("runs the documented job: config, an optional output, a nested graph with a dynamic fan-out and a collect", async () => {
    const result = await runOpsExample();
    expect(result).toEqual({
      status: "SUCCESS",
      steps: [
        "fetch_orders:success",
        "validate:success",
        "alert_on_rejects:success",
        "totals.by_region:success",
        "totals.region_total[north]:success",
        "totals.region_total[south]:success",
        "report:success",
      ],
      report: "north=120, south=80",
    });
  });
});
