import type { InstanceReader } from "./types.ts";

const READS = [
  "getRun",
  "listRuns",
  "getEvents",
  "getAssetEvents",
  "getAssetIndex",
  "getDynamicPartitions",
  "getMaterializationsAfter",
  "getEventsAfter",
  "getLatestEventId",
] as const satisfies readonly (keyof InstanceReader)[];

const readers = new WeakMap<InstanceReader, InstanceReader>();

/**
 * The read-only view a schedule or sensor gets: only the reads, bound to the storage, so evaluation code cannot
 * write to the instance even by casting (writes go through the daemon: cursors, run requests, dynamic partitions).
 */
export function readOnlyInstance(instance: InstanceReader): InstanceReader {
  let reader = readers.get(instance);
  if (!reader) {
    reader = Object.freeze(Object.fromEntries(READS.map((name) => [name, instance[name].bind(instance)]))) as unknown as InstanceReader;
    readers.set(instance, reader);
    readers.set(reader, reader);
  }
  return reader;
}
