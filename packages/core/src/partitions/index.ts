export type { PartitionsContext, PartitionsDefinition, TimeWindow } from "./partitions-definition.ts";
export {
  MULTI_PARTITION_KEY_SEPARATOR,
  assertValidPartitionKey,
  closestKeys,
  partitionKeyProblem,
} from "./partition-key-rules.ts";
export { staticPartitions, isStaticPartitions, type StaticPartitionsDefinition } from "./static-partitions.ts";
export { dynamicPartitions, isDynamicPartitions, type DynamicPartitionsDefinition } from "./dynamic-partitions.ts";
export type { TimeWindowPartitionsOptions, TimeWindowUnit, Weekday } from "./time-window-options.ts";
export {
  timeWindowPartitions,
  hourlyPartitions,
  dailyPartitions,
  weeklyPartitions,
  monthlyPartitions,
  isTimeWindowPartitions,
  type TimeWindowPartitionsDefinition,
  type TimeWindowShortcutOptions,
} from "./time-window-partitions.ts";
export {
  multiPartitions,
  isMultiPartitions,
  splitMultiPartitionKey,
  joinMultiPartitionKey,
  getDimension,
  dimensionKeys,
  type MultiPartitionsDefinition,
  type PartitionDimension,
} from "./multi-partitions.ts";
export { partitionsEqual } from "./partitions-equal.ts";
export { keysInRange, validatePartitionKey } from "./key-ranges.ts";
export { allPartitionsMapping, isPartitionMapping, type PartitionMapping } from "./partition-mapping.ts";
export { identityMapping } from "./identity-mapping.ts";
export { timeWindowMapping, lastNPartitionsMapping, type TimeWindowMappingOptions } from "./time-window-mapping.ts";
export { staticMapping } from "./static-mapping.ts";
export { multiToSingleDimensionMapping, type MultiToSingleDimensionOptions } from "./multi-to-single-mapping.ts";
export { INCOMPATIBLE_PARTITIONS, checkMappingCompatible, defaultPartitionMapping, type PartitionedAsset } from "./check-mapping.ts";
export { fixedPartitionsContext } from "./fixed-partitions-context.ts";
export { partitionStatusCounts, type PartitionCounts } from "./partition-status-counts.ts";
