/**
 * A key wildcard as a RegExp: `*` matches any run of characters, `/` included, so `raw/*`
 * selects everything under `raw`. Every other character is literal.
 */
export function keyGlobToRegExp(pattern: string): RegExp {
  const body = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`);
}
