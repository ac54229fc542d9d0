const cache = new Map<string, RegExp>();

/** fnmatch-style matching as dbt uses it: `*`, `?` and `[...]`. */
export function globMatch(text: string, pattern: string): boolean {
  if (!/[*?[]/.test(pattern)) return text === pattern;
  let regex = cache.get(pattern);
  if (!regex) {
    const source = pattern.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    regex = new RegExp(`^${source}$`);
    cache.set(pattern, regex);
  }
  return regex.test(text);
}
