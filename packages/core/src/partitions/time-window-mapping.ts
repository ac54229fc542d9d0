import { ErrorCode, OrchError } from "../errors.ts";
import { toKeyList, type PartitionMapping } from "./partition-mapping.ts";
import type { PartitionsContext, PartitionsDefinition } from "./partitions-definition.ts";
import { isTimeWindowPartitions, type TimeWindowPartitionsDefinition } from "./time-window-partitions.ts";

export interface TimeWindowMappingOptions {
  /** Upstream windows added before (negative) or removed from the start; -1 = also the previous window. */
  readonly startOffset?: number;
  /** Upstream windows added after (positive) or removed from the end; -1 = stop one window earlier. */
  readonly endOffset?: number;
}

function bothTimeBased(upstream: PartitionsDefinition | undefined, downstream: PartitionsDefinition | undefined, what: string): string | undefined {
  if (isTimeWindowPartitions(upstream) && isTimeWindowPartitions(downstream)) return undefined;
  const side = (definition: PartitionsDefinition | undefined) => (definition ? `${definition.type}-partitioned` : "not partitioned");
  return `${what} maps time windows, so both assets must be time-partitioned (upstream is ${side(upstream)}, downstream ${side(downstream)})`;
}

/**
 * Upstream windows `[first, last]` overlapping one downstream window: the first starts at or before
 * the downstream start, the last starts before the downstream end.
 */
function overlap(upstream: TimeWindowPartitionsDefinition, downstream: TimeWindowPartitionsDefinition, key: string): [number, number] {
  const window = downstream.windowAt(downstream.indexOfKey(key));
  return [upstream.indexAt(window.start), upstream.indexAt(new Date(Date.parse(window.end) - 1))];
}

/** Collects index ranges, clipped to the upstream keys that exist in this context, as keys in time order. */
function keysOfRanges(upstream: TimeWindowPartitionsDefinition, ranges: Iterable<[number, number]>, context: PartitionsContext): string[] {
  const last = upstream.lastIndex(context);
  const indexes = new Set<number>();
  for (const [from, to] of ranges) {
    for (let index = Math.max(from, 0); index <= Math.min(to, last); index += 1) indexes.add(index);
  }
  return [...indexes].sort((a, b) => a - b).map((index) => upstream.keyAt(index));
}

function checkOffset(name: string, value: number): number {
  if (!Number.isInteger(value)) {
    throw new OrchError(ErrorCode.INVALID_DEFINITION, `timeWindowMapping ${name} must be an integer, got ${String(value)}.`);
  }
  return value;
}

/**
 * Each downstream window reads the upstream windows overlapping it, widened by offsets counted in
 * upstream windows. Works across granularities (a daily asset reads 24 hourly partitions, 23 on
 * the spring-forward day) and time zones. `{ startOffset: -1, endOffset: -1 }` = the previous window.
 */
export function timeWindowMapping(options: TimeWindowMappingOptions = {}): PartitionMapping {
  const startOffset = checkOffset("startOffset", options.startOffset ?? 0);
  const endOffset = checkOffset("endOffset", options.endOffset ?? 0);
  if (startOffset > endOffset) {
    throw new OrchError(
      ErrorCode.INVALID_DEFINITION,
      `timeWindowMapping startOffset (${startOffset}) is after endOffset (${endOffset}); the previous window is { startOffset: -1, endOffset: -1 }.`,
    );
  }
  return Object.freeze({
    kind: "orch.partitionMapping",
    type: "timeWindow",
    description: `time-window mapping (start offset ${startOffset}, end offset ${endOffset})`,
    incompatibility: (upstream: PartitionsDefinition | undefined, downstream: PartitionsDefinition | undefined) =>
      bothTimeBased(upstream, downstream, "timeWindowMapping"),
    async upstreamKeys(keys: string | readonly string[] | undefined, upstream: PartitionsDefinition, downstream: PartitionsDefinition | undefined, context: PartitionsContext) {
      const problem = bothTimeBased(upstream, downstream, "timeWindowMapping");
      if (problem || !isTimeWindowPartitions(upstream) || !isTimeWindowPartitions(downstream)) {
        throw new OrchError("INCOMPATIBLE_PARTITIONS", `${problem}.`);
      }
      const ranges = toKeyList(keys).map((key): [number, number] => {
        const [first, last] = overlap(upstream, downstream, key);
        return [first + startOffset, last + endOffset];
      });
      return keysOfRanges(upstream, ranges, context);
    },
  });
}

/**
 * The last `n` upstream partitions as of the end of each downstream window (a rolling window:
 * with daily on both sides and n = 7, the day and the six before it). When the downstream asset is
 * not partitioned: the last `n` upstream keys (n = 1 is the latest partition).
 */
export function lastNPartitionsMapping(n: number): PartitionMapping {
  if (!Number.isInteger(n) || n < 1) {
    throw new OrchError(ErrorCode.INVALID_DEFINITION, `lastNPartitionsMapping needs a whole number of partitions of at least 1, got ${String(n)}.`);
  }
  const incompatibility = (upstream: PartitionsDefinition | undefined, downstream: PartitionsDefinition | undefined) => {
    if (!upstream) return "the upstream asset is not partitioned, so there are no partitions to read";
    return downstream ? bothTimeBased(upstream, downstream, `lastNPartitionsMapping(${n})`) : undefined;
  };
  return Object.freeze({
    kind: "orch.partitionMapping",
    type: "lastN",
    description: `last-${n}-partitions mapping`,
    incompatibility,
    async upstreamKeys(keys: string | readonly string[] | undefined, upstream: PartitionsDefinition, downstream: PartitionsDefinition | undefined, context: PartitionsContext) {
      if (!downstream) return [...(await upstream.getKeys(context))].slice(-n);
      const problem = incompatibility(upstream, downstream);
      if (problem || !isTimeWindowPartitions(upstream) || !isTimeWindowPartitions(downstream)) {
        throw new OrchError("INCOMPATIBLE_PARTITIONS", `${problem}.`);
      }
      const ranges = toKeyList(keys).map((key): [number, number] => {
        const last = overlap(upstream, downstream, key)[1];
        return [last - n + 1, last];
      });
      return keysOfRanges(upstream, ranges, context);
    },
  });
}
