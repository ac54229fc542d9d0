import { distance } from "fastest-levenshtein";
import { ErrorCode, OrchError } from "../errors.ts";

/** Separates the dimension keys of a multi-partition key: `2024-01-01|eu`. */
export const MULTI_PARTITION_KEY_SEPARATOR = "|";

/**
 * Characters a partition key may not hold. `|` joins multi-partition keys, `,` separates keys in
 * lists and CLI flags, `/` and `\` would become directories in file-based IO managers.
 */
const FORBIDDEN = ["|", ",", "/", "\\"];

/** Why `key` cannot be a partition key, or undefined when it can. */
export function partitionKeyProblem(key: unknown): string | undefined {
  if (typeof key !== "string") return `a partition key must be a string, got ${typeof key}`;
  if (key.length === 0) return "a partition key cannot be empty";
  if (key.trim() !== key) return `partition key ${JSON.stringify(key)} has leading or trailing whitespace`;
  // Control characters break log lines, file names and URLs.
  if (/[\u0000-\u001f\u007f]/.test(key)) return `partition key ${JSON.stringify(key)} contains a control character`;
  const bad = FORBIDDEN.find((char) => key.includes(char));
  if (bad !== undefined) {
    return `partition key ${JSON.stringify(key)} contains ${JSON.stringify(bad)} (partition keys may not contain ${FORBIDDEN.map((c) => JSON.stringify(c)).join(" ")})`;
  }
  if (key === "." || key === "..") return `partition key ${JSON.stringify(key)} is reserved`;
  return undefined;
}

/**
 * Refuses a key that cannot be stored or used as a path segment (INVALID_PARTITION). Instances
 * call this before adding dynamic partition keys.
 */
export function assertValidPartitionKey(key: unknown, where: string): asserts key is string {
  const problem = partitionKeyProblem(key);
  if (problem !== undefined) {
    throw new OrchError(ErrorCode.INVALID_PARTITION, `${where}: ${problem}.`, { details: { key } });
  }
}

/** Up to `count` keys closest to `key` by edit distance, ties kept in the keys' own order. */
export function closestKeys(key: string, keys: readonly string[], count = 3): string[] {
  return keys
    .map((candidate, index) => ({ candidate, index, score: distance(key, candidate) }))
    .sort((a, b) => a.score - b.score || a.index - b.index)
    .slice(0, count)
    .map((entry) => entry.candidate);
}

/** `a, b, c, ... (120 keys)` for messages: never the whole list of a large partition set. */
export function summarizeKeys(keys: readonly string[], shown = 5): string {
  if (keys.length === 0) return "(no keys)";
  if (keys.length <= shown) return keys.join(", ");
  return `${keys.slice(0, shown).join(", ")}, ... (${keys.length} keys)`;
}
