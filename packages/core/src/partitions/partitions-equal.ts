import { isDynamicPartitions } from "./dynamic-partitions.ts";
import { isMultiPartitions } from "./multi-partitions.ts";
import type { PartitionsDefinition } from "./partitions-definition.ts";
import { isStaticPartitions } from "./static-partitions.ts";
import { isTimeWindowPartitions } from "./time-window-partitions.ts";

/** Whether two definitions list the same keys in every context (structurally, not by identity). */
export function partitionsEqual(a: PartitionsDefinition, b: PartitionsDefinition): boolean {
  if (a === b) return true;
  if (isStaticPartitions(a) && isStaticPartitions(b)) {
    return a.keys.length === b.keys.length && a.keys.every((key, index) => key === b.keys[index]);
  }
  if (isTimeWindowPartitions(a) && isTimeWindowPartitions(b)) {
    return (
      a.unit === b.unit &&
      a.timezone === b.timezone &&
      a.format === b.format &&
      a.start === b.start &&
      a.end === b.end &&
      a.endOffset === b.endOffset &&
      a.weekStartsOn === b.weekStartsOn
    );
  }
  if (isDynamicPartitions(a) && isDynamicPartitions(b)) return a.name === b.name;
  if (isMultiPartitions(a) && isMultiPartitions(b)) {
    return a.dimensions.every((dimension, index) => {
      const other = b.dimensions[index]!;
      return dimension.name === other.name && partitionsEqual(dimension.partitions, other.partitions);
    });
  }
  return false;
}

/** Whether two time partitionings cut time into the same windows with the same keys (start/end may differ). */
export function sameTimeWindows(a: PartitionsDefinition, b: PartitionsDefinition): boolean {
  return (
    isTimeWindowPartitions(a) &&
    isTimeWindowPartitions(b) &&
    a.unit === b.unit &&
    a.timezone === b.timezone &&
    a.format === b.format &&
    a.weekStartsOn === b.weekStartsOn &&
    // Same grid: the first window of one is a window of the other.
    b.windowAt(b.indexAt(a.start)).start === a.start
  );
}
