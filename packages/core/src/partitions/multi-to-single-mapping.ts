import { isMultiPartitions, splitMultiPartitionKey, type MultiPartitionsDefinition } from "./multi-partitions.ts";
import { identityIncompatibility } from "./identity-mapping.ts";
import { existingUpstreamKeys, toKeyList, type PartitionMapping } from "./partition-mapping.ts";
import type { PartitionsContext, PartitionsDefinition } from "./partitions-definition.ts";
import { ErrorCode, OrchError } from "../errors.ts";

export interface MultiToSingleDimensionOptions {
  /** The dimension of the multi-partitioned side that matches the single-partitioned side. */
  readonly dimension: string;
}

/**
 * Between a multi-partitioned asset and one partitioned like one of its dimensions, in either
 * direction. Upstream multi: downstream `2024-01-01` reads `2024-01-01|eu`, `2024-01-01|us`, ...
 * Downstream multi: `2024-01-01|eu` reads upstream `2024-01-01`.
 */
export function multiToSingleDimensionMapping(options: MultiToSingleDimensionOptions): PartitionMapping {
  const { dimension } = options ?? {};
  if (typeof dimension !== "string" || dimension.length === 0) {
    throw new OrchError(ErrorCode.INVALID_DEFINITION, "multiToSingleDimensionMapping needs the name of a dimension: { dimension: \"date\" }.");
  }
  const incompatibility = (upstream: PartitionsDefinition | undefined, downstream: PartitionsDefinition | undefined): string | undefined => {
    const upMulti = isMultiPartitions(upstream);
    const downMulti = isMultiPartitions(downstream);
    if (!upstream || !downstream || upMulti === downMulti) {
      return `multiToSingleDimensionMapping needs one multi-partitioned asset and one single-partitioned asset (upstream is ${upstream?.type ?? "not partitioned"}, downstream ${downstream?.type ?? "not partitioned"})`;
    }
    const multi = (upMulti ? upstream : downstream) as MultiPartitionsDefinition;
    const single = upMulti ? downstream : upstream;
    const found = multi.dimensions.find((d) => d.name === dimension);
    if (!found) {
      return `the ${upMulti ? "upstream" : "downstream"} has no dimension "${dimension}" (its dimensions are ${multi.dimensions.map((d) => d.name).join(", ")})`;
    }
    const problem = upMulti ? identityIncompatibility(found.partitions, single) : identityIncompatibility(single, found.partitions);
    return problem && `dimension "${dimension}" does not match the ${upMulti ? "downstream" : "upstream"}: ${problem}`;
  };

  return Object.freeze({
    kind: "orch.partitionMapping",
    type: "multiToSingle",
    description: `multi-to-single-dimension mapping on "${dimension}"`,
    incompatibility,
    async upstreamKeys(keys: string | readonly string[] | undefined, upstream: PartitionsDefinition, downstream: PartitionsDefinition | undefined, context: PartitionsContext) {
      const problem = incompatibility(upstream, downstream);
      if (problem) throw new OrchError("INCOMPATIBLE_PARTITIONS", `${problem}.`);
      const list = toKeyList(keys);
      if (isMultiPartitions(upstream)) {
        const wanted = new Set(list);
        return (await upstream.getKeys(context)).filter((key) => wanted.has(splitMultiPartitionKey(upstream, key)[dimension]!));
      }
      const multi = downstream as MultiPartitionsDefinition;
      return existingUpstreamKeys(list.map((key) => splitMultiPartitionKey(multi, key)[dimension]!), upstream, context);
    },
  });
}
