import type { PartitionsContext } from "./partitions-definition.ts";

/**
 * A partitions context with a fixed "now" and in-memory dynamic partition keys: for tests,
 * examples and previews ("which keys would exist on 2024-03-01?") without an instance.
 */
export function fixedPartitionsContext(now: string | Date, dynamic: Readonly<Record<string, readonly string[]>> = {}): PartitionsContext {
  return {
    now: typeof now === "string" ? new Date(now) : now,
    dynamicPartitions: async (name: string) => dynamic[name] ?? [],
  };
}
