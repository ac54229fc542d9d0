import { isDynamicPartitions } from "./dynamic-partitions.ts";
import { isMultiPartitions } from "./multi-partitions.ts";
import { existingUpstreamKeys, toKeyList, type PartitionMapping } from "./partition-mapping.ts";
import type { PartitionsContext, PartitionsDefinition } from "./partitions-definition.ts";
import { sameTimeWindows } from "./partitions-equal.ts";
import { isStaticPartitions } from "./static-partitions.ts";
import { isTimeWindowPartitions } from "./time-window-partitions.ts";

/** Downstream partition `k` reads upstream partition `k`. */
export function identityMapping(): PartitionMapping {
  return Object.freeze({
    kind: "orch.partitionMapping",
    type: "identity",
    description: "identity mapping",
    incompatibility: identityIncompatibility,
    upstreamKeys: async (keys: string | readonly string[] | undefined, upstream: PartitionsDefinition, _down: unknown, context: PartitionsContext) =>
      existingUpstreamKeys(toKeyList(keys), upstream, context),
  });
}

/** Why the keys of `downstream` cannot be read one to one as keys of `upstream`. */
export function identityIncompatibility(upstream: PartitionsDefinition | undefined, downstream: PartitionsDefinition | undefined): string | undefined {
  if (!upstream || !downstream) return "identity maps each downstream partition to the same upstream partition, so both assets must be partitioned";
  if (upstream.type !== downstream.type) {
    const hint = isTimeWindowPartitions(upstream) || isTimeWindowPartitions(downstream) ? "" : "; use staticMapping or allPartitionsMapping";
    return `identity maps keys one to one, but the upstream is ${upstream.type} and the downstream ${downstream.type}${hint}`;
  }
  if (isStaticPartitions(upstream) && isStaticPartitions(downstream)) {
    const missing = downstream.keys.filter((key) => !upstream.keys.includes(key));
    return missing.length === 0 ? undefined : `the downstream keys ${missing.map((key) => `"${key}"`).join(", ")} are not upstream keys`;
  }
  if (isTimeWindowPartitions(upstream) && isTimeWindowPartitions(downstream)) {
    return sameTimeWindows(upstream, downstream) ? undefined : "identity needs the same windows, time zone and key format; use timeWindowMapping()";
  }
  if (isDynamicPartitions(upstream) && isDynamicPartitions(downstream)) {
    return upstream.name === downstream.name ? undefined : `the dynamic partition sets differ ("${upstream.name}" and "${downstream.name}")`;
  }
  if (isMultiPartitions(upstream) && isMultiPartitions(downstream)) {
    const problems = upstream.dimensions.map((dimension, index) => {
      const other = downstream.dimensions[index]!;
      if (dimension.name !== other.name) return `the dimensions differ (${dimension.name} and ${other.name})`;
      const problem = identityIncompatibility(dimension.partitions, other.partitions);
      return problem && `dimension "${dimension.name}": ${problem}`;
    });
    return problems.find((problem) => problem !== undefined);
  }
  return upstream === downstream ? undefined : `identity cannot compare two ${upstream.type} partitionings`;
}
