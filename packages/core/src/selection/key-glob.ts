import picomatch from "picomatch";

/**
 * Which characters are wildcards. `star`: only `*` (orch's key selection: `raw/*`); every other character is
 * literal. `fnmatch`: `*`, `?`, `[abc]`, `[a-z]` and `[!abc]` (dbt's selection values, as Python's fnmatch).
 * In both, `*` matches any run of characters, `/` included, so `raw/*` selects everything under `raw`; `?` and
 * brackets match one character other than `/`.
 */
export type GlobSyntax = "star" | "fnmatch";

const OPTIONS: picomatch.PicomatchOptions = { bash: true, dot: true, nobrace: true, noextglob: true, nonegate: true };
const STAR_LITERALS = /[?[\](){}!+@\\]/g;
const matchers = new Map<string, (text: string) => boolean>();

/** The one glob matcher of orch (picomatch underneath), memoised per pattern: selections test it on every node. */
export function globMatcher(pattern: string, syntax: GlobSyntax = "star"): (text: string) => boolean {
  const cacheKey = `${syntax}\u0000${pattern}`;
  let matcher = matchers.get(cacheKey);
  if (!matcher) {
    const wild = syntax === "star" ? /\*/.test(pattern) : /[*?[]/.test(pattern);
    const glob = syntax === "star" ? pattern.replace(STAR_LITERALS, "\\$&") : pattern.replace(/\[!/g, "[^");
    const test = wild ? picomatch(glob, OPTIONS) : undefined;
    // One argument only: picomatch's matcher returns an object, not a boolean, when given a second one.
    matcher = test ? (text: string) => test(text) : (text: string) => text === pattern;
    matchers.set(cacheKey, matcher);
  }
  return matcher;
}

/** Does `text` match the glob `pattern`? */
export function globMatch(text: string, pattern: string, syntax: GlobSyntax = "star"): boolean {
  return globMatcher(pattern, syntax)(text);
}
