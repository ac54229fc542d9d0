import { ErrorCode, OrchError } from "../errors.ts";
import { identityMapping } from "./identity-mapping.ts";
import { isMultiPartitions, type MultiPartitionsDefinition } from "./multi-partitions.ts";
import { multiToSingleDimensionMapping } from "./multi-to-single-mapping.ts";
import { allPartitionsMapping, isPartitionMapping, type PartitionMapping } from "./partition-mapping.ts";
import type { PartitionsDefinition } from "./partitions-definition.ts";
import { partitionsEqual } from "./partitions-equal.ts";
import { isTimeWindowPartitions } from "./time-window-partitions.ts";
import { timeWindowMapping } from "./time-window-mapping.ts";

/** Raised when a mapping cannot connect two partitionings (new code, next to core's list). */
export const INCOMPATIBLE_PARTITIONS = "INCOMPATIBLE_PARTITIONS";

export interface PartitionedAsset {
  /** `a/b`, for messages. */
  readonly assetKey: string;
  readonly partitions?: PartitionsDefinition | undefined;
}

type DefaultChoice = { readonly mapping: PartitionMapping | undefined } | { readonly problem: string };

/** A dimension of `multi` equal to `single`, if any. */
function matchingDimension(multi: MultiPartitionsDefinition, single: PartitionsDefinition): string | undefined {
  return multi.dimensions.find((dimension) => partitionsEqual(dimension.partitions, single))?.name;
}

/**
 * The mapping used when an input gives none:
 * - upstream not partitioned: none (every downstream partition reads the whole upstream asset);
 * - downstream not partitioned: all partitions;
 * - the same partitioning on both sides: identity;
 * - both time-based otherwise (other granularity, zone or start): time-window overlap;
 * - one side multi-partitioned with a dimension equal to the other side: multi-to-single on it;
 * - anything else (daily vs static, two different static lists, ...): no default, say which mapping.
 */
function chooseDefault(upstream: PartitionsDefinition | undefined, downstream: PartitionsDefinition | undefined): DefaultChoice {
  if (!upstream) return { mapping: undefined };
  if (!downstream) return { mapping: allPartitionsMapping() };
  if (partitionsEqual(upstream, downstream)) return { mapping: identityMapping() };
  if (isTimeWindowPartitions(upstream) && isTimeWindowPartitions(downstream)) return { mapping: timeWindowMapping() };
  const dimension =
    isMultiPartitions(upstream) && !isMultiPartitions(downstream)
      ? matchingDimension(upstream, downstream)
      : isMultiPartitions(downstream) && !isMultiPartitions(upstream)
        ? matchingDimension(downstream, upstream)
        : undefined;
  if (dimension) return { mapping: multiToSingleDimensionMapping({ dimension }) };
  return {
    problem:
      "there is no default mapping between these partitionings; give the input a partitionMapping " +
      "(staticMapping({...}), allPartitionsMapping(), multiToSingleDimensionMapping({ dimension }), ...)",
  };
}

const partitioning = (definition: PartitionsDefinition | undefined) => (definition ? `partitioned ${definition.description}` : "not partitioned");

function incompatible(upstream: PartitionedAsset, downstream: PartitionedAsset, mappingName: string, problem: string): OrchError {
  return new OrchError(
    INCOMPATIBLE_PARTITIONS,
    `Asset "${downstream.assetKey}" cannot read "${upstream.assetKey}" with ${mappingName}: upstream "${upstream.assetKey}" is ` +
      `${partitioning(upstream.partitions)} and downstream "${downstream.assetKey}" is ${partitioning(downstream.partitions)}; ${problem}.`,
    { details: { upstream: upstream.assetKey, downstream: downstream.assetKey } },
  );
}

/**
 * Checks, at definition time, that `mapping` (an input's `partitionMapping`, possibly undefined)
 * can connect the two assets, and returns the mapping to use: the given one, the default (see
 * `chooseDefault`), or undefined when the upstream is not partitioned. Throws INCOMPATIBLE_PARTITIONS
 * naming both assets and both partitionings; INVALID_DEFINITION when `mapping` is not a mapping.
 */
export function checkMappingCompatible(upstream: PartitionedAsset, downstream: PartitionedAsset, mapping: unknown): PartitionMapping | undefined {
  if (mapping === undefined) {
    const choice = chooseDefault(upstream.partitions, downstream.partitions);
    if ("problem" in choice) throw incompatible(upstream, downstream, "the default mapping", choice.problem);
    return choice.mapping;
  }
  if (!isPartitionMapping(mapping)) {
    throw new OrchError(
      ErrorCode.INVALID_DEFINITION,
      `Asset "${downstream.assetKey}" input "${upstream.assetKey}": partitionMapping is not a partition mapping; make one with identityMapping(), timeWindowMapping(), staticMapping(), ...`,
    );
  }
  if (!upstream.partitions) {
    throw incompatible(upstream, downstream, mapping.description, "a partition mapping needs a partitioned upstream asset; remove the partitionMapping");
  }
  const problem = mapping.incompatibility(upstream.partitions, downstream.partitions);
  if (problem !== undefined) throw incompatible(upstream, downstream, mapping.description, problem);
  return mapping;
}

/** The default mapping between two partitionings (see `checkMappingCompatible`); throws INCOMPATIBLE_PARTITIONS when none. */
export function defaultPartitionMapping(upstream: PartitionsDefinition | undefined, downstream: PartitionsDefinition | undefined): PartitionMapping | undefined {
  return checkMappingCompatible({ assetKey: "upstream", partitions: upstream }, { assetKey: "downstream", partitions: downstream }, undefined);
}
