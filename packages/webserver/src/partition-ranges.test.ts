import { describe, expect, it } from "vitest";
import { partitionRanges } from "./partition-ranges.ts";

const days = (n: number) => Array.from({ length: n }, (_, i) => new Date(Date.UTC(1970, 0, 1 + i)).toISOString().slice(0, 10));

describe("partitionRanges", () => {
  it("sends runs of consecutive materialized and missing keys", () => {
    const keys = days(20_000);
    const done = new Set(keys.slice(100, 5100));
    const ranges = partitionRanges(keys, (k) => done.has(k));
    expect(ranges).toEqual([
      { status: "missing", start: "1970-01-01", end: keys[99], count: 100, materialized: 0 },
      { status: "materialized", start: keys[100], end: keys[5099], count: 5000, materialized: 5000 },
      { status: "missing", start: keys[5100], end: keys[19_999], count: 14_900, materialized: 0 },
    ]);
  });

  it("buckets keys when the runs would exceed the cap, keeping every key counted", () => {
    const keys = days(20_000);
    const position = new Map(keys.map((k, i) => [k, i]));
    const ranges = partitionRanges(keys, (k) => position.get(k)! % 2 === 0 || position.get(k)! >= 10_000, 100);
    expect(ranges.length).toBeLessThanOrEqual(100);
    expect(ranges.reduce((n, r) => n + r.count, 0)).toBe(20_000);
    expect(ranges.reduce((n, r) => n + r.materialized, 0)).toBe(15_000);
    expect(ranges[0]).toMatchObject({ status: "partial", start: "1970-01-01", count: 200, materialized: 100 });
    expect(ranges.at(-1)).toMatchObject({ status: "materialized", end: keys[19_999], count: 10_000 });
  });

  it("has no range for no keys", () => {
    expect(partitionRanges([], () => true)).toEqual([]);
  });
});
