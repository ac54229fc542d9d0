import { describe, expect, it } from "vitest";
import { runAutomationExample, runDaemonExample } from "../../../../docs/concepts/examples/automation.example.ts";

// docs/concepts/automation.md shows this file; running it keeps the page honest.
describe("docs/concepts/examples/automation.example.ts", () => {
  it("produces what the automation page says it does", async () => {
    const result = await runAutomationExample();
    expect(result.ticks).toEqual(["2024-03-09T07:30:00.000Z", "2024-03-10T07:00:00.000Z", "2024-03-11T06:30:00.000Z"]);
    expect(result.marts).toEqual([{ runKey: "schedule:marts_daily:2024-03-05T07:30:00.000Z", partitionKey: "2024-03-04", target: { selection: "+marts/revenue" } }]);
    expect(result.saturday).toBe("weekend");
    expect(result.firstFiles).toEqual([["orders-0301.csv", "2024-03-01"], ["orders-0302.csv", "2024-03-02"]]);
    expect(result.laterFiles).toBe("no new file");
    expect(result.onOrders).toEqual([{ selection: "report" }]);
    expect(await runDaemonExample()).toEqual({
      ticks: [{ status: "success", at: "2024-03-05T07:30:00.000Z" }],
      run: { status: "SUCCESS", partitionKey: "2024-03-04", schedule: "marts_daily" },
    });
    expect(result.badCron).toMatch(/^INVALID_CRON: \[orch\] Schedule "typo" has cron "0 25 \* \* \*", which is invalid at column 3: hour "25" \(allowed: 0-23/);
  });
});
