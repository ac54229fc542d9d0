import { distance } from "fastest-levenshtein";

/**
 * Up to `limit` keys that look like `typed`: close in edit distance, either as whole keys
 * or by their last segment (so `orders` suggests `raw/orders`). Only used on the error path.
 */
export function suggestKeys(typed: string, keys: readonly string[], limit = 3): string[] {
  const typedLast = lastSegment(typed);
  const threshold = typedLast.length <= 3 ? 1 : Math.max(2, Math.floor(typedLast.length / 3));
  const scored: { key: string; score: number }[] = [];
  for (const key of keys) {
    // A last-segment match ranks just behind an equally close whole-key match.
    const score = Math.min(distance(typed, key), distance(typedLast, lastSegment(key)) + 0.5);
    if (score <= threshold) scored.push({ key, score });
  }
  scored.sort((a, b) => a.score - b.score || a.key.length - b.key.length || (a.key < b.key ? -1 : 1));
  return scored.slice(0, limit).map((entry) => entry.key);
}

function lastSegment(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
export function listAlternatives(keys: readonly string[]): string {
  const quoted = keys.map((key) => `"${key}"`);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}
