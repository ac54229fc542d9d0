import type { z } from "zod";
import { didYouMean } from "./suggest.ts";

/**
 * Keys in `value` that `schema` does not know, as zod issues whose path ends at the key and whose message names
 * the closest known key. zod objects drop unknown keys silently unless strict; a config typo
 * (`dropUnknownType` for `dropUnknownTypes`) would then run with the default. Objects that accept any key
 * (`z.looseObject`, `.catchall(...)`) are respected.
 */
export function unknownKeyIssues(schema: z.ZodType, value: unknown, path: readonly PropertyKey[] = []): z.core.$ZodIssue[] {
  const def = (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "catch":
    case "readonly":
    case "nonoptional":
      return value === undefined || value === null ? [] : unknownKeyIssues(def.innerType!, value, path);
    case "pipe":
      return unknownKeyIssues(def.in!, value, path);
    case "lazy":
      return unknownKeyIssues(def.getter!(), value, path);
    case "array":
      return Array.isArray(value) ? value.flatMap((item, i) => unknownKeyIssues(def.element!, item, [...path, i])) : [];
    case "record":
      return isPlainObject(value) ? Object.entries(value).flatMap(([k, v]) => unknownKeyIssues(def.valueType!, v, [...path, k])) : [];
    case "union": {
      // The option that fits best: none of its keys unknown, or the fewest.
      let best: z.core.$ZodIssue[] | undefined;
      for (const option of def.options!) {
        const issues = unknownKeyIssues(option, value, path);
        if (!best || issues.length < best.length) best = issues;
        if (issues.length === 0) break;
      }
      return best ?? [];
    }
    case "object": {
      if (!isPlainObject(value)) return [];
      const shape = def.shape!;
      const acceptsAny = def.catchall !== undefined && (def.catchall as unknown as { _zod: { def: ZodDef } })._zod.def.type !== "never";
      const known = Object.keys(shape);
      const issues: z.core.$ZodIssue[] = [];
      for (const [key, item] of Object.entries(value)) {
        const field = shape[key];
        if (field) issues.push(...unknownKeyIssues(field, item, [...path, key]));
        else if (!acceptsAny) issues.push({ code: "custom", path: [...path, key], input: item, message: `unknown key "${key}".${didYouMean(key, known) || ` Known keys: ${known.join(", ") || "(none)"}.`}` });
      }
      return issues;
    }
    default:
      return [];
  }
}

/**
 * `schema.safeParse(value)` that also refuses unknown keys (with suggestions) in non-strict objects; zod's own
 * "unrecognized key" issues of strict objects are replaced by the same suggestions.
 */
export function parseKnownKeys<T>(schema: z.ZodType<T>, value: unknown): { success: true; data: T } | { success: false; issues: z.core.$ZodIssue[] } {
  const unknown = unknownKeyIssues(schema, value);
  const parsed = schema.safeParse(value);
  if (parsed.success && unknown.length === 0) return { success: true, data: parsed.data };
  const covered = new Set(unknown.map((i) => JSON.stringify(i.path)));
  const zodIssues = parsed.success ? [] : parsed.error.issues.filter((i) => i.code !== "unrecognized_keys" || i.keys.some((k) => !covered.has(JSON.stringify([...i.path, k]))));
  return { success: false, issues: [...unknown, ...zodIssues] };
}

interface ZodDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  getter?: () => z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
