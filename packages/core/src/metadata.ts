/** Metadata attached to materializations, observations, checks and type checks. */
export type MetadataValue =
  | string
  | number
  | boolean
  | null
  | { readonly type: "url" | "path" | "markdown" | "json" | "table" | "timestamp"; readonly value: unknown }
  | readonly MetadataValue[]
  | { readonly [key: string]: MetadataValue };

export type Metadata = Record<string, MetadataValue>;

/** Keeps only JSON-safe metadata values so events stay serialisable across threads and storages. */
export function normalizeMetadata(input: Record<string, unknown> | undefined): Metadata {
  if (!input) return {};
  const out: Metadata = {};
  for (const [key, value] of Object.entries(input)) {
    out[key] = toMetadataValue(value);
  }
  return out;
}

function toMetadataValue(value: unknown): MetadataValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (value instanceof Date) return { type: "timestamp", value: value.toISOString() };
  if (Array.isArray(value)) return value.map(toMetadataValue);
  if (typeof value === "object") {
    const out: Record<string, MetadataValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toMetadataValue(v);
    return out;
  }
  return String(value);
}
