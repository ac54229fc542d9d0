import type { AssetSpec } from "../asset.ts";
import type { InstanceStorage, PartitionStatusCounts } from "../storage.ts";

/** How many of an asset's partitions are materialized, failed (latest attempt failed) or missing, out of `total`. */
export interface PartitionCounts {
  readonly total: number;
  readonly materialized: number;
  readonly failed: number;
  readonly missing: number;
}

/**
 * A partitioned asset's partition status: the storage's counts (SQL aggregates, never a key list) against the
 * definition's key count, for the catalog and `orch asset list`. Keys the storage knows but the definition no longer
 * has (a deleted dynamic partition) are capped so the three never exceed the total. `counts` is the asset's entry of
 * `getPartitionStatusCounts` (undefined: it has none), fetched by the caller for every asset at once.
 */
export async function partitionStatusCounts(spec: AssetSpec, instance: InstanceStorage, counts: PartitionStatusCounts | undefined): Promise<PartitionCounts> {
  if (spec.partitions === undefined) throw new Error(`asset "${spec.id}" is not partitioned`);
  const total = (await spec.partitions.getKeys({ dynamicPartitions: (name) => instance.getDynamicPartitions(name) })).length;
  const materialized = Math.min(counts?.materialized ?? 0, total);
  const failed = Math.min(counts?.failed ?? 0, total - materialized);
  return { total, materialized, failed, missing: total - materialized - failed };
}
