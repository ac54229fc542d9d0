import { describe, expect, it } from "vitest";
import { partitionRanges, type PartitionStatus } from "./partition-ranges.ts";

const days = (n: number) => Array.from({ length: n }, (_, i) => new Date(Date.UTC(1970, 0, 1 + i)).toISOString().slice(0, 10));

describe("partitionRanges", () => {
  it("sends runs of consecutive materialized and missing keys", () => {
    const keys = days(20_000);
    const done = new Set(keys.slice(100, 5100));
    const ranges = partitionRanges(keys, (k) => (done.has(k) ? "materialized" : "missing"));
    expect(ranges).toEqual([
      { status: "missing", start: "1970-01-01", end: keys[99], count: 100, materialized: 0, failed: 0 },
      { status: "materialized", start: keys[100], end: keys[5099], count: 5000, materialized: 5000, failed: 0 },
      { status: "missing", start: keys[5100], end: keys[19_999], count: 14_900, materialized: 0, failed: 0 },
    ]);
  });

  it("buckets keys when the runs would exceed the cap, keeping every key counted", () => {
    const keys = days(20_000);
    const position = new Map(keys.map((k, i) => [k, i]));
    const ranges = partitionRanges(keys, (k) => (position.get(k)! % 2 === 0 || position.get(k)! >= 10_000 ? "materialized" : "missing"), 100);
    expect(ranges.length).toBeLessThanOrEqual(100);
    expect(ranges.reduce((n, r) => n + r.count, 0)).toBe(20_000);
    expect(ranges.reduce((n, r) => n + r.materialized, 0)).toBe(15_000);
    expect(ranges[0]).toMatchObject({ status: "partial", start: "1970-01-01", count: 200, materialized: 100 });
    expect(ranges.at(-1)).toMatchObject({ status: "materialized", end: keys[19_999], count: 10_000 });
  });

  it("sends failed runs apart from missing ones, and counts failed keys in partial buckets", () => {
    const keys = days(10);
    const status = (k: string): PartitionStatus => (k < "1970-01-04" ? "materialized" : k < "1970-01-06" ? "failed" : "missing");
    expect(partitionRanges(keys, status).map((r) => [r.status, r.start, r.end, r.failed])).toEqual([
      ["materialized", "1970-01-01", "1970-01-03", 0],
      ["failed", "1970-01-04", "1970-01-05", 2],
      ["missing", "1970-01-06", "1970-01-10", 0],
    ]);
    expect(partitionRanges(keys, status, 2)).toEqual([
      { status: "partial", start: "1970-01-01", end: "1970-01-05", count: 5, materialized: 3, failed: 2 },
      { status: "missing", start: "1970-01-06", end: "1970-01-10", count: 5, materialized: 0, failed: 0 },
    ]);
  });

  it("has no range for no keys", () => {
    expect(partitionRanges([], () => "materialized")).toEqual([]);
  });
});
