/** One partition's status in the grid: its latest attempt failed, it is materialized, or neither. */
export type PartitionStatus = "materialized" | "failed" | "missing";

/**
 * A run of consecutive partition keys (in the definition's order) with one status. "partial" appears only when
 * the exact runs would exceed the cap: then each range covers a bucket of keys, `materialized` and `failed` of them.
 */
export interface PartitionRange {
  readonly status: PartitionStatus | "partial";
  readonly start: string;
  readonly end: string;
  readonly count: number;
  readonly materialized: number;
  readonly failed: number;
}

/** Enough for a grid a screen wide; 20k daily partitions alternating done/missing still send at most this many ranges. */
export const MAX_PARTITION_RANGES = 500;

/**
 * The partition status grid, computed on the server: runs of consecutive materialized, failed or missing keys, never
 * the key list. Past `maxRanges` runs the keys are cut into `maxRanges` equal buckets (adjacent pure buckets merge).
 */
export function partitionRanges(keys: readonly string[], statusOf: (key: string) => PartitionStatus, maxRanges = MAX_PARTITION_RANGES): PartitionRange[] {
  const statuses = keys.map(statusOf);
  const exact = runs(keys, statuses, 1);
  return exact.length <= maxRanges ? exact : runs(keys, statuses, Math.ceil(keys.length / maxRanges));
}

function runs(keys: readonly string[], statuses: readonly PartitionStatus[], bucketSize: number): PartitionRange[] {
  const out: PartitionRange[] = [];
  for (let from = 0; from < keys.length; from += bucketSize) {
    const to = Math.min(from + bucketSize, keys.length);
    let materialized = 0;
    let failed = 0;
    for (let i = from; i < to; i++) {
      if (statuses[i] === "materialized") materialized++;
      else if (statuses[i] === "failed") failed++;
    }
    const count = to - from;
    const status = materialized === count ? "materialized" : failed === count ? "failed" : materialized + failed === 0 ? "missing" : "partial";
    const last = out.at(-1);
    if (last && status !== "partial" && last.status === status) {
      out[out.length - 1] = { ...last, end: keys[to - 1]!, count: last.count + count, materialized: last.materialized + materialized, failed: last.failed + failed };
    } else out.push({ status, start: keys[from]!, end: keys[to - 1]!, count, materialized, failed });
  }
  return out;
}
