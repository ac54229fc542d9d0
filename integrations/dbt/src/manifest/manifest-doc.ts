import { isObjectSpan, objectMembers, parseSpan, topLevelMembers } from "./json-scan.ts";

/** An object section (`nodes`, `sources`, ...): its keys, and its entries decoded one at a time. */
export interface ManifestSection {
  keys(): string[];
  entries(): Iterable<readonly [string, unknown]>;
}

/**
 * The top level of a manifest, however it is held: an already parsed object, or the file's bytes that are decoded
 * entry by entry (so the whole tree never exists at once and unread sections are never parsed).
 */
export interface ManifestDoc {
  /** A top-level value, decoded (undefined when absent). */
  value(key: string): unknown;
  /** An object-valued section, or `{ notAnObject }` holding what was found instead (undefined when absent). */
  section(key: string): ManifestSection | { readonly notAnObject: unknown };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function docFromObject(root: Record<string, unknown>): ManifestDoc {
  return {
    value: (key) => root[key],
    section(key) {
      const value = root[key];
      if (!isPlainObject(value)) return { notAnObject: value };
      return { keys: () => Object.keys(value), entries: () => Object.entries(value) };
    },
  };
}

/** Throws JsonScanError on malformed structure; entry values are checked by JSON.parse as they are decoded. */
export function docFromBuffer(buf: Buffer): ManifestDoc {
  const top = topLevelMembers(buf);
  return {
    value: (key) => {
      const span = top.get(key);
      return span === undefined ? undefined : parseSpan(buf, span);
    },
    section(key) {
      const span = top.get(key);
      if (span === undefined || !isObjectSpan(buf, span)) return { notAnObject: span === undefined ? undefined : parseSpan(buf, span) };
      return {
        keys: () => Array.from(objectMembers(buf, span.start), ([k]) => k),
        *entries() {
          for (const [k, s] of objectMembers(buf, span.start)) yield [k, parseSpan(buf, s)] as const;
        },
      };
    },
  };
}
