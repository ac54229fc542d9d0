import { ErrorCode, OrchError } from "../errors.ts";
import type { PartitionsContext, PartitionsDefinition } from "./partitions-definition.ts";

/** Partitions whose keys live in the instance and change at run time (files that arrived, customers). */
export interface DynamicPartitionsDefinition extends PartitionsDefinition {
  readonly type: "dynamic";
  readonly name: string;
}

const NAME = /^[A-Za-z0-9_.\-]+$/;

/**
 * Keys are read from the instance (`context.dynamicPartitions(name)`, backed by the storage's
 * `addDynamicPartitions` / `deleteDynamicPartition`), in the order the storage returns them.
 */
export function dynamicPartitions(name: string): DynamicPartitionsDefinition {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new OrchError(
      ErrorCode.INVALID_PARTITION,
      `dynamicPartitions name ${JSON.stringify(name)} is invalid: use letters, digits, "_", "-" and "." only.`,
    );
  }
  return Object.freeze({
    kind: "orch.partitions",
    type: "dynamic",
    description: `dynamic "${name}"`,
    name,
    getKeys: async (context: PartitionsContext) => [...(await context.dynamicPartitions(name))],
  });
}

export function isDynamicPartitions(value: PartitionsDefinition | undefined): value is DynamicPartitionsDefinition {
  return value?.type === "dynamic" && typeof (value as DynamicPartitionsDefinition).name === "string";
}
