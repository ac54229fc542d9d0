import { ErrorCode, OrchError } from "../errors.ts";
import { MULTI_PARTITION_KEY_SEPARATOR } from "./partition-key-rules.ts";
import type { PartitionsContext, PartitionsDefinition, TimeWindow } from "./partitions-definition.ts";

export interface PartitionDimension {
  readonly name: string;
  readonly partitions: PartitionsDefinition;
}

/**
 * Two dimensions crossed: every key is `<key of the first dimension>|<key of the second>`, with the
 * dimensions sorted by name (as Dagster), whatever order they were given in.
 */
export interface MultiPartitionsDefinition extends PartitionsDefinition {
  readonly type: "multi";
  /** Sorted by name; the order of the parts of a key. */
  readonly dimensions: readonly [PartitionDimension, PartitionDimension];
  /** The window of the time dimension, when one dimension is time-based. */
  timeWindow?(key: string): TimeWindow | undefined;
}

const DIMENSION_NAME = /^[A-Za-z0-9_\-]+$/;

export function multiPartitions(dimensions: Readonly<Record<string, PartitionsDefinition>>): MultiPartitionsDefinition {
  const names = Object.keys(dimensions).sort();
  if (names.length !== 2) {
    throw new OrchError(
      ErrorCode.INVALID_PARTITION,
      `multiPartitions needs exactly two dimensions, got ${names.length}${names.length ? ` (${names.join(", ")})` : ""}.`,
    );
  }
  const sorted = names.map((name) => {
    const partitions = dimensions[name];
    if (!DIMENSION_NAME.test(name)) {
      throw new OrchError(ErrorCode.INVALID_PARTITION, `multiPartitions dimension name ${JSON.stringify(name)} is invalid: use letters, digits, "_" and "-".`);
    }
    if (partitions?.kind !== "orch.partitions" || partitions.type === "multi") {
      throw new OrchError(
        ErrorCode.INVALID_PARTITION,
        `multiPartitions dimension "${name}" must be a single (static, time or dynamic) partitions definition.`,
      );
    }
    return Object.freeze({ name, partitions });
  }) as unknown as [PartitionDimension, PartitionDimension];
  const [first, second] = sorted;
  const timeDimension = sorted.find((dimension) => dimension.partitions.timeWindow !== undefined);

  const definition: MultiPartitionsDefinition = {
    kind: "orch.partitions",
    type: "multi",
    description: `multi (${first.name}: ${first.partitions.description}; ${second.name}: ${second.partitions.description})`,
    dimensions: Object.freeze(sorted) as MultiPartitionsDefinition["dimensions"],
    async getKeys(context: PartitionsContext) {
      const [firstKeys, secondKeys] = await Promise.all([first.partitions.getKeys(context), second.partitions.getKeys(context)]);
      return firstKeys.flatMap((a) => secondKeys.map((b) => `${a}${MULTI_PARTITION_KEY_SEPARATOR}${b}`));
    },
  };
  if (timeDimension) {
    definition.timeWindow = (key: string) => timeDimension.partitions.timeWindow!(splitMultiPartitionKey(definition, key)[timeDimension.name]!);
  }
  return Object.freeze(definition);
}

export function isMultiPartitions(value: PartitionsDefinition | undefined): value is MultiPartitionsDefinition {
  return value?.type === "multi" && Array.isArray((value as MultiPartitionsDefinition).dimensions);
}

/** `"2024-01-01|eu"` → `{ date: "2024-01-01", region: "eu" }`; INVALID_PARTITION when it has not two parts. */
export function splitMultiPartitionKey(definition: MultiPartitionsDefinition, key: string): Record<string, string> {
  const parts = typeof key === "string" ? key.split(MULTI_PARTITION_KEY_SEPARATOR) : [];
  if (parts.length !== 2 || parts.some((part) => part.length === 0)) {
    const [first, second] = definition.dimensions;
    throw new OrchError(
      ErrorCode.INVALID_PARTITION,
      `Partition key ${JSON.stringify(key)} is not a key of ${definition.description}: expected "<${first.name}>${MULTI_PARTITION_KEY_SEPARATOR}<${second.name}>".`,
      { details: { key } },
    );
  }
  return Object.fromEntries(definition.dimensions.map((dimension, index) => [dimension.name, parts[index]!]));
}

/** `{ region: "eu", date: "2024-01-01" }` → `"2024-01-01|eu"`; refuses missing or extra dimensions. */
export function joinMultiPartitionKey(definition: MultiPartitionsDefinition, keys: Readonly<Record<string, string>>): string {
  const names = definition.dimensions.map((dimension) => dimension.name);
  const extra = Object.keys(keys).filter((name) => !names.includes(name));
  const missing = names.filter((name) => typeof keys[name] !== "string" || keys[name].length === 0);
  if (extra.length > 0 || missing.length > 0) {
    throw new OrchError(
      ErrorCode.INVALID_PARTITION,
      `Cannot join a key of ${definition.description}: ` +
        [missing.length ? `missing ${missing.join(", ")}` : "", extra.length ? `unknown dimension ${extra.join(", ")}` : ""].filter(Boolean).join("; ") +
        ` (dimensions: ${names.join(", ")}).`,
    );
  }
  return names.map((name) => keys[name]).join(MULTI_PARTITION_KEY_SEPARATOR);
}

/** The dimension named `name`; INVALID_PARTITION listing the dimensions when there is none. */
export function getDimension(definition: MultiPartitionsDefinition, name: string): PartitionDimension {
  const found = definition.dimensions.find((dimension) => dimension.name === name);
  if (!found) {
    throw new OrchError(
      ErrorCode.INVALID_PARTITION,
      `${definition.description} has no dimension "${name}"; its dimensions are ${definition.dimensions.map((d) => d.name).join(", ")}.`,
    );
  }
  return found;
}

/** The keys of one dimension in this context. */
export async function dimensionKeys(definition: MultiPartitionsDefinition, name: string, context: PartitionsContext): Promise<readonly string[]> {
  return getDimension(definition, name).partitions.getKeys(context);
}
