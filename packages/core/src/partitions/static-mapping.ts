import { ErrorCode, OrchError, isOrchError } from "../errors.ts";
import { partitionKeyProblem, summarizeKeys } from "./partition-key-rules.ts";
import { existingUpstreamKeys, toKeyList, type PartitionMapping } from "./partition-mapping.ts";
import type { PartitionsContext, PartitionsDefinition } from "./partitions-definition.ts";
import { isStaticPartitions } from "./static-partitions.ts";
import { isTimeWindowPartitions } from "./time-window-partitions.ts";

/**
 * An explicit table `{ downstreamKey: upstreamKey | upstreamKey[] }`. Downstream keys absent from
 * the table read no upstream partition.
 */
export function staticMapping(table: Readonly<Record<string, string | readonly string[]>>): PartitionMapping {
  const entries = Object.entries(table ?? {}).map(([downstreamKey, upstream]): [string, readonly string[]] => [
    downstreamKey,
    typeof upstream === "string" ? [upstream] : [...upstream],
  ]);
  if (entries.length === 0) throw new OrchError(ErrorCode.INVALID_DEFINITION, "staticMapping needs at least one downstream key.");
  for (const [downstreamKey, upstreamKeys] of entries) {
    const problem = [downstreamKey, ...upstreamKeys].map(partitionKeyProblem).find((p) => p !== undefined);
    if (problem || upstreamKeys.length === 0) {
      throw new OrchError(ErrorCode.INVALID_DEFINITION, `staticMapping entry "${downstreamKey}": ${problem ?? "maps to no upstream key"}.`);
    }
  }
  const map = new Map(entries);

  return Object.freeze({
    kind: "orch.partitionMapping",
    type: "static",
    description: `static mapping (${summarizeKeys(entries.map(([d, u]) => `${d} → ${u.join("+")}`), 3)})`,
    incompatibility(upstream: PartitionsDefinition | undefined, downstream: PartitionsDefinition | undefined) {
      if (!upstream || !downstream) return "staticMapping maps downstream keys to upstream keys, so both assets must be partitioned";
      const badDownstream = unknownKeys([...map.keys()], downstream);
      if (badDownstream) return `it names downstream keys that do not exist: ${badDownstream}`;
      const badUpstream = unknownKeys([...new Set([...map.values()].flat())], upstream);
      return badUpstream && `it names upstream keys that do not exist: ${badUpstream}`;
    },
    upstreamKeys: async (keys: string | readonly string[] | undefined, upstream: PartitionsDefinition, _down: unknown, context: PartitionsContext) =>
      existingUpstreamKeys(
        toKeyList(keys).flatMap((key) => map.get(key) ?? []),
        upstream,
        context,
      ),
  });
}

/**
 * The keys a definition can never have, checked without an instance: static keys by membership,
 * time keys by format. Dynamic and multi keys are only known at run time, so they pass.
 */
function unknownKeys(keys: readonly string[], definition: PartitionsDefinition): string | undefined {
  if (isStaticPartitions(definition)) {
    const missing = keys.filter((key) => !definition.keys.includes(key));
    return missing.length ? `${missing.map((k) => `"${k}"`).join(", ")} (valid keys: ${summarizeKeys(definition.keys)})` : undefined;
  }
  if (isTimeWindowPartitions(definition)) {
    for (const key of keys) {
      try {
        if (definition.indexOfKey(key) < 0) return `"${key}" (before the first window ${definition.keyAt(0)})`;
      } catch (error) {
        if (!isOrchError(error)) throw error;
        return `"${key}" (${error.message.replace(/^\[orch\] /, "")})`;
      }
    }
  }
  return undefined;
}
