import type { PartitionsContext, PartitionsDefinition } from "./partitions-definition.ts";
import { isTimeWindowPartitions } from "./time-window-partitions.ts";

/**
 * Which upstream partitions a downstream partition reads. Made by the factories in this folder
 * (`identityMapping()`, `timeWindowMapping({ startOffset: -1 })`, ...) and given on an input as
 * `partitionMapping`; `checkMappingCompatible` picks a default when there is none.
 */
export interface PartitionMapping {
  readonly kind: "orch.partitionMapping";
  /** `identity`, `all`, `timeWindow`, `lastN`, `static`, `multiToSingle`. */
  readonly type: string;
  /** For messages, e.g. `time-window mapping (start offset -1, end offset 0)`. */
  readonly description: string;
  /** Why this mapping cannot map between these partitionings (undefined = not partitioned), or undefined when it can. */
  incompatibility(upstream: PartitionsDefinition | undefined, downstream: PartitionsDefinition | undefined): string | undefined;
  /**
   * The upstream keys that the downstream key(s) read, without duplicates, in upstream order.
   * Keys that do not exist upstream in this context (before its start, after "now") are left out.
   * `downstreamKeys` is undefined when the downstream asset is not partitioned.
   */
  upstreamKeys(
    downstreamKeys: string | readonly string[] | undefined,
    upstream: PartitionsDefinition,
    downstream: PartitionsDefinition | undefined,
    context: PartitionsContext,
  ): Promise<string[]>;
}

export function isPartitionMapping(value: unknown): value is PartitionMapping {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as PartitionMapping).kind === "orch.partitionMapping" &&
    typeof (value as PartitionMapping).upstreamKeys === "function"
  );
}

export function toKeyList(keys: string | readonly string[] | undefined): readonly string[] {
  return keys === undefined ? [] : typeof keys === "string" ? [keys] : keys;
}

/** Keeps the candidates that exist upstream in this context, in upstream order, once each. */
export async function existingUpstreamKeys(candidates: Iterable<string>, upstream: PartitionsDefinition, context: PartitionsContext): Promise<string[]> {
  const wanted = new Set(candidates);
  if (wanted.size === 0) return [];
  if (isTimeWindowPartitions(upstream)) {
    const last = upstream.lastIndex(context);
    const indexes = [...wanted].map((key) => upstream.indexOfKey(key)).filter((index) => index >= 0 && index <= last);
    return [...new Set(indexes)].sort((a, b) => a - b).map((index) => upstream.keyAt(index));
  }
  return (await upstream.getKeys(context)).filter((key) => wanted.has(key));
}

/** Every downstream partition (or the unpartitioned downstream) reads every upstream partition. */
export function allPartitionsMapping(): PartitionMapping {
  return Object.freeze({
    kind: "orch.partitionMapping",
    type: "all",
    description: "all-partitions mapping",
    incompatibility: (upstream: PartitionsDefinition | undefined) =>
      upstream === undefined ? "the upstream asset is not partitioned, so there are no partitions to read" : undefined,
    upstreamKeys: async (_keys: unknown, upstream: PartitionsDefinition, _down: unknown, context: PartitionsContext) => [
      ...(await upstream.getKeys(context)),
    ],
  });
}
