/** Character classes and words shared by the parser and the formatter, so both agree on quoting. */

/** A character allowed in an unquoted key or glob: asset key segments, `/` between them, `*`. */
export const BARE_KEY_CHAR = /[A-Za-z0-9_.\-/*]/;
export const BARE_KEY = /^[A-Za-z0-9_.\-/]+$/;
export const BARE_GLOB = /^[A-Za-z0-9_.\-/*]+$/;

/** Attribute values stop at whitespace, parentheses, commas, quotes and `+` (the traversal operator). */
export const BARE_VALUE_CHAR = /[^\s(),"'+]/;
export const BARE_VALUE = /^[^\s(),"'+]+$/;
/** A tag name additionally stops at `=`, which separates it from the value. */
export const BARE_TAG_NAME_CHAR = /[^\s(),"'+=]/;
export const BARE_TAG_NAME = /^[^\s(),"'+=]+$/;

export const KEYWORDS: ReadonlySet<string> = new Set(["and", "or", "not"]);

export function isKeyword(word: string): boolean {
  return KEYWORDS.has(word.toLowerCase());
}

export function isSpace(char: string | undefined): boolean {
  return char !== undefined && /\s/.test(char);
}

/** Writes `value` in double quotes, escaping `\` and `"` the way the parser reads them back. */
export function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, "\\$&")}"`;
}
