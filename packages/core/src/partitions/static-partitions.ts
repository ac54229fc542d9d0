import { ErrorCode, OrchError } from "../errors.ts";
import { partitionKeyProblem, summarizeKeys } from "./partition-key-rules.ts";
import type { PartitionsDefinition } from "./partitions-definition.ts";

/** A fixed, ordered list of keys, e.g. regions or customers. */
export interface StaticPartitionsDefinition extends PartitionsDefinition {
  readonly type: "static";
  readonly keys: readonly string[];
}

/**
 * Partitions with a fixed list of keys, kept in the given order. Refuses an empty list, duplicates
 * and keys that cannot be stored (see `partitionKeyProblem`) with INVALID_PARTITION.
 */
export function staticPartitions(keys: readonly string[]): StaticPartitionsDefinition {
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new OrchError(ErrorCode.INVALID_PARTITION, "staticPartitions needs at least one key, got an empty list.");
  }
  const seen = new Set<string>();
  for (const [index, key] of keys.entries()) {
    const problem = partitionKeyProblem(key);
    if (problem !== undefined) {
      throw new OrchError(ErrorCode.INVALID_PARTITION, `staticPartitions key #${index}: ${problem}.`, { details: { key } });
    }
    if (seen.has(key)) {
      throw new OrchError(ErrorCode.INVALID_PARTITION, `staticPartitions lists the key ${JSON.stringify(key)} twice; keys must be unique.`, {
        details: { key },
      });
    }
    seen.add(key);
  }
  const frozen = Object.freeze([...keys]);
  return Object.freeze({
    kind: "orch.partitions",
    type: "static",
    description: `static (${summarizeKeys(frozen)})`,
    keys: frozen,
    getKeys: async () => frozen,
  });
}

export function isStaticPartitions(value: PartitionsDefinition | undefined): value is StaticPartitionsDefinition {
  return value?.type === "static" && Array.isArray((value as StaticPartitionsDefinition).keys);
}
