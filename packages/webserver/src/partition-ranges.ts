/**
 * A run of consecutive partition keys (in the definition's order) with one status. "partial" appears only when
 * the exact runs would exceed the cap: then each range covers a bucket of keys, `materialized` of them done.
 */
export interface PartitionRange {
  readonly status: "materialized" | "missing" | "partial";
  readonly start: string;
  readonly end: string;
  readonly count: number;
  readonly materialized: number;
}

/** Enough for a grid a screen wide; 20k daily partitions alternating done/missing still send at most this many ranges. */
export const MAX_PARTITION_RANGES = 500;

/**
 * The partition status grid, computed on the server: runs of consecutive materialized or missing keys, never the
 * key list. Past `maxRanges` runs the keys are cut into `maxRanges` equal buckets (adjacent pure buckets merge).
 */
export function partitionRanges(keys: readonly string[], isMaterialized: (key: string) => boolean, maxRanges = MAX_PARTITION_RANGES): PartitionRange[] {
  const done = keys.map(isMaterialized);
  const exact = runs(keys, done, 1);
  return exact.length <= maxRanges ? exact : runs(keys, done, Math.ceil(keys.length / maxRanges));
}

function runs(keys: readonly string[], done: readonly boolean[], bucketSize: number): PartitionRange[] {
  const out: PartitionRange[] = [];
  for (let from = 0; from < keys.length; from += bucketSize) {
    const to = Math.min(from + bucketSize, keys.length);
    let materialized = 0;
    for (let i = from; i < to; i++) if (done[i]) materialized++;
    const count = to - from;
    const status = materialized === count ? "materialized" : materialized === 0 ? "missing" : "partial";
    const last = out.at(-1);
    if (last && status !== "partial" && last.status === status) out[out.length - 1] = { ...last, end: keys[to - 1]!, count: last.count + count, materialized: last.materialized + materialized };
    else out.push({ status, start: keys[from]!, end: keys[to - 1]!, count, materialized });
  }
  return out;
}
