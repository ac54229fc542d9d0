import { describe, expect, it } from "vitest";
import { runPartitionsExample } from "../../../../docs/concepts/examples/partitions.example.ts";

// docs/concepts/partitions.md shows this file; running it keeps the page honest.
describe("docs/concepts/examples/partitions.example.ts", () => {
  it("produces what the partitions page says it does", async () => {
    const result = await runPartitionsExample();
    expect(result.days).toEqual(["2024-03-09", "2024-03-10", "2024-03-11"]);
    expect(result.springForward).toEqual({ start: "2024-03-10T00:00:00-05:00", end: "2024-03-11T00:00:00-04:00" });
    expect(result.hoursOnSpringForward).toHaveLength(23);
    expect(result.hoursOnSpringForward.slice(0, 3)).toEqual(["2024-03-10-00:00", "2024-03-10-01:00", "2024-03-10-03:00"]);
    expect(result.firstMultiKeys).toEqual(["2024-03-09|eu", "2024-03-09|us", "2024-03-10|eu"]);
    expect(result.parts).toEqual({ date: "2024-03-10", region: "us" });
    expect(result.backfill).toEqual(["2024-03-09", "2024-03-10"]);
    expect(result.hoursReadBySpringForward).toBe(23);
    expect(result.readByMarch11).toEqual(["2024-03-10", "2024-03-11"]);
    expect(result.refusals).toHaveLength(2);
    expect(result.refusals[0]).toMatch(/^UNKNOWN_PARTITION: \[orch\] Partition "2024-03-12" does not exist in daily from 2024-03-09 \(America\/New_York\)/);
    expect(result.refusals[1]).toMatch(/^INCOMPATIBLE_PARTITIONS: \[orch\] Asset "by_region" cannot read "raw\/events" with the default mapping/);
  });
});
