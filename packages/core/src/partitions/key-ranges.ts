import { ErrorCode, OrchError } from "../errors.ts";
import { closestKeys } from "./partition-key-rules.ts";
import { isMultiPartitions, splitMultiPartitionKey } from "./multi-partitions.ts";
import type { PartitionsContext, PartitionsDefinition } from "./partitions-definition.ts";
import { isTimeWindowPartitions } from "./time-window-partitions.ts";

const quoteAll = (keys: readonly string[]): string => keys.map((key) => `"${key}"`).join(", ");

/**
 * Why `key` is not one of `keys`, with the keys nearest to it: by position for time windows (a
 * date before the start is near the first keys, not near a similar-looking string), otherwise by
 * edit distance. Malformed time and multi keys throw INVALID_PARTITION naming the format.
 */
async function whyUnknown(definition: PartitionsDefinition, context: PartitionsContext, keys: readonly string[], key: string): Promise<string> {
  if (keys.length === 0) return "there are no partitions yet";
  if (isTimeWindowPartitions(definition)) {
    const index = definition.indexOfKey(key);
    if (index < 0) return `it is before the first partition; the first keys are ${quoteAll(keys.slice(0, 3))}`;
    const now = (context.now ?? new Date()).toISOString();
    return `it is after the last partition as of ${now}; the last keys are ${quoteAll(keys.slice(-3))}`;
  }
  if (isMultiPartitions(definition)) {
    const parts = splitMultiPartitionKey(definition, key);
    const reasons: string[] = [];
    for (const { name, partitions } of definition.dimensions) {
      const part = parts[name]!;
      const dimensionKeys = await partitions.getKeys(context);
      if (!dimensionKeys.includes(part)) {
        reasons.push(`dimension "${name}" has no key "${part}" (${await whyUnknown(partitions, context, dimensionKeys, part)})`);
      }
    }
    if (reasons.length > 0) return reasons.join("; ");
  }
  return `the closest keys are ${quoteAll(closestKeys(key, keys))}`;
}

async function unknownKeyError(definition: PartitionsDefinition, context: PartitionsContext, keys: readonly string[], key: string, prefix: string) {
  const why = await whyUnknown(definition, context, keys, key);
  const subject = prefix ? `${prefix}partition` : "Partition";
  return new OrchError(ErrorCode.UNKNOWN_PARTITION, `${subject} "${key}" does not exist in ${definition.description}: ${why}.`, {
    details: { key, partitions: definition.description },
  });
}

/**
 * Returns `key` when it is one of the definition's keys in this context; otherwise throws
 * UNKNOWN_PARTITION naming the key and the nearest valid keys (INVALID_PARTITION if malformed).
 */
export async function validatePartitionKey(definition: PartitionsDefinition, context: PartitionsContext, key: string): Promise<string> {
  if (isTimeWindowPartitions(definition)) {
    const index = definition.indexOfKey(key);
    if (index >= 0 && index <= definition.lastIndex(context)) return key;
  }
  const keys = await definition.getKeys(context);
  if (keys.includes(key)) return key;
  throw await unknownKeyError(definition, context, keys, key, "");
}

/**
 * The keys from `start` to `end`, both included, in the order `getKeys` lists them. Throws
 * UNKNOWN_PARTITION naming the range when an endpoint does not exist, INVALID_PARTITION when the
 * start comes after the end.
 */
export async function keysInRange(definition: PartitionsDefinition, context: PartitionsContext, start: string, end: string): Promise<string[]> {
  const keys = await definition.getKeys(context);
  const range = `Partition range "${start}...${end}": `;
  const from = keys.indexOf(start);
  if (from < 0) throw await unknownKeyError(definition, context, keys, start, `${range}start `);
  const to = keys.indexOf(end);
  if (to < 0) throw await unknownKeyError(definition, context, keys, end, `${range}end `);
  if (from > to) {
    throw new OrchError(ErrorCode.INVALID_PARTITION, `${range}the start comes after the end in ${definition.description}; swap them.`, {
      details: { start, end },
    });
  }
  return keys.slice(from, to + 1);
}
