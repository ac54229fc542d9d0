import { ErrorCode, OrchError } from "./errors.ts";

/** Turns values into bytes and back, for IO managers that write files or blobs. */
export interface Serializer<T = unknown> {
  readonly name: string;
  /** File extension without the dot: `json`, `arrow`, `parquet`. */
  readonly extension: string;
  canSerialize(value: unknown): value is T;
  serialize(value: T): Uint8Array | Promise<Uint8Array>;
  deserialize(bytes: Uint8Array): T | Promise<T>;
}

/** Plain JSON, with bigint and Date preserved by tagging. */
export const jsonSerializer: Serializer = {
  name: "json",
  extension: "json",
  canSerialize: (value): value is unknown => typeof value !== "function" && typeof value !== "symbol",
  serialize(value) {
    const text = JSON.stringify(value === undefined ? null : value, (_key, v: unknown) => {
      if (typeof v === "bigint") return { $bigint: v.toString() };
      return v;
    });
    return new TextEncoder().encode(text);
  },
  deserialize(bytes) {
    return JSON.parse(new TextDecoder().decode(bytes), (_key, v: unknown) => {
      if (v && typeof v === "object" && "$bigint" in v && Object.keys(v).length === 1) {
        return BigInt((v as { $bigint: string }).$bigint);
      }
      return v;
    }) as unknown;
  },
};

/**
 * Serializers by name. The most recently registered serializer that accepts a value wins, so a dataframe
 * plugin registered after the JSON default takes frames.
 */
export class SerializerRegistry {
  readonly #items: Serializer[] = [];

  constructor(initial: readonly Serializer[] = [jsonSerializer]) {
    for (const s of initial) this.register(s);
  }

  register(serializer: Serializer): this {
    const existing = this.#items.findIndex((s) => s.name === serializer.name);
    if (existing >= 0) this.#items.splice(existing, 1);
    this.#items.push(serializer);
    return this;
  }

  get(name: string): Serializer {
    const found = this.#items.find((s) => s.name === name);
    if (!found) {
      throw new OrchError(ErrorCode.NO_SERIALIZER, `No serializer named "${name}". Registered: ${this.names().join(", ")}.`);
    }
    return found;
  }

  byExtension(extension: string): Serializer | undefined {
    for (let i = this.#items.length - 1; i >= 0; i--) if (this.#items[i]!.extension === extension) return this.#items[i];
    return undefined;
  }

  forValue(value: unknown, what: string): Serializer {
    for (let i = this.#items.length - 1; i >= 0; i--) {
      const s = this.#items[i]!;
      if (s.canSerialize(value)) return s;
    }
    throw new OrchError(
      ErrorCode.NO_SERIALIZER,
      `No serializer accepts the value of ${what} (${describeValue(value)}). Registered: ${this.names().join(", ")}.`,
    );
  }

  names(): string[] {
    return this.#items.map((s) => s.name);
  }

  extensions(): string[] {
    return [...new Set(this.#items.map((s) => s.extension))];
  }
}

/** A short description of a runtime value's type for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `array of ${value.length}`;
  if (typeof value === "object") return value.constructor?.name ? `${value.constructor.name} object` : "object";
  return typeof value;
}
