import { distance } from "fastest-levenshtein";

/** Up to `max` known names close to `name`, closest first: for "did you mean" messages. */
export function closestMatches(name: string, known: Iterable<string>, max = 3): string[] {
  const lower = name.toLowerCase();
  const scored: { name: string; score: number }[] = [];
  for (const candidate of known) {
    const c = candidate.toLowerCase();
    const last = c.slice(c.lastIndexOf("/") + 1);
    const score = Math.min(distance(lower, c), distance(lower, last) + 1);
    const limit = Math.max(2, Math.floor(Math.max(lower.length, 3) / 3));
    if (score <= limit || c.includes(lower)) scored.push({ name: candidate, score });
  }
  return scored.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name)).slice(0, max).map((s) => s.name);
}

export function didYouMean(name: string, known: Iterable<string>): string {
  const matches = closestMatches(name, known);
  return matches.length ? ` Did you mean ${matches.map((m) => `"${m}"`).join(", ")}?` : "";
}
