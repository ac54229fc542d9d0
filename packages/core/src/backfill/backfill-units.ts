import type { BackfillUnit } from "../automation-storage.ts";
import type { Definitions } from "../definitions.ts";
import { OrchError } from "../errors.ts";
import { selectAssetKeys } from "../execution/select.ts";
import { keysInRange } from "../partitions/key-ranges.ts";
import type { PartitionsContext, PartitionsDefinition } from "../partitions/partitions-definition.ts";
import { QueueErrorCode } from "../queue/queue-errors.ts";
import type { InstanceStorage } from "../storage.ts";

/** Which partitions a backfill covers: a range, all of them, or the missing ones (never materialized or whose latest attempt failed). */
export type BackfillPartitions = { readonly range: { readonly start: string; readonly end: string } } | { readonly all: true } | { readonly missing: true };

interface BackfillTarget {
  readonly partitions: PartitionsDefinition;
  readonly partitionedAssets: readonly string[];
  readonly singleRun: boolean;
}

/** The one partitioning the selection's partitioned assets share, and whether any runs ranges as one step. */
export function backfillTarget(definitions: Definitions, selection: string | undefined, label: string): BackfillTarget {
  const assetKeys = [...selectAssetKeys(definitions, selection)];
  const partitioned = assetKeys.filter((key) => definitions.graph.producer(key)?.partitions !== undefined);
  if (partitioned.length === 0) {
    throw new OrchError(QueueErrorCode.INVALID_BACKFILL, `${label} has no partitioned asset: a backfill runs partitions; use orch materialize for unpartitioned assets.`);
  }
  const partitions = definitions.graph.producer(partitioned[0]!)!.partitions!;
  const other = partitioned.find((key) => definitions.graph.producer(key)!.partitions!.description !== partitions.description);
  if (other !== undefined) {
    throw new OrchError(
      QueueErrorCode.INVALID_BACKFILL,
      `${label} mixes partitionings: "${partitioned[0]}" is ${partitions.description} but "${other}" is ${definitions.graph.producer(other)!.partitions!.description}. Backfill them separately.`,
    );
  }
  const singleRun = partitioned.some((key) => definitions.graph.producer(key)!.backfillPolicy === "single_run");
  return { partitions, partitionedAssets: partitioned, singleRun };
}

/** The partition keys a backfill covers, in partition order. */
export async function backfillKeys(instance: InstanceStorage, target: BackfillTarget, which: BackfillPartitions): Promise<string[]> {
  const context: PartitionsContext = { dynamicPartitions: (name) => instance.getDynamicPartitions(name) };
  if ("range" in which) return keysInRange(target.partitions, context, which.range.start, which.range.end);
  const all = [...(await target.partitions.getKeys(context))];
  if ("all" in which) return all;
  return missingKeys(instance, target, all);
}

/** Keys some partitioned asset of the target never materialized, or whose latest attempt failed (the storage's failed-partition index). */
async function missingKeys(instance: InstanceStorage, target: BackfillTarget, all: readonly string[]): Promise<string[]> {
  const done = new Set<string>();
  for (const entry of await instance.getAssetIndex(target.partitionedAssets, { byPartition: true })) {
    if (entry.partition !== null && entry.lastMaterialization !== undefined) done.add(`${entry.assetKey}\u0000${entry.partition}`);
  }
  const failed = new Set((await instance.getFailedPartitions(target.partitionedAssets)).map((f) => `${f.assetKey}\u0000${f.partition}`));
  return all.filter((partition) =>
    target.partitionedAssets.some((asset) => {
      const key = `${asset}\u0000${partition}`;
      return !done.has(key) || failed.has(key);
    }),
  );
}

/** One unit per key, or (single_run) one range per stretch of consecutive keys. */
export function backfillUnits(keys: readonly string[], allKeys: readonly string[] | undefined, singleRun: boolean): BackfillUnit[] {
  if (!singleRun) return keys.map((partitionKey) => ({ partitionKey }));
  const position = new Map((allKeys ?? keys).map((key, i) => [key, i]));
  const units: BackfillUnit[] = [];
  let start = 0;
  for (let i = 1; i <= keys.length; i++) {
    if (i < keys.length && position.get(keys[i]!) === position.get(keys[i - 1]!)! + 1) continue;
    units.push({ partitionRange: { start: keys[start]!, end: keys[i - 1]! } });
    start = i;
  }
  return units;
}

export function unitLabel(unit: BackfillUnit): string {
  return "partitionKey" in unit ? unit.partitionKey : `${unit.partitionRange.start}..${unit.partitionRange.end}`;
}
