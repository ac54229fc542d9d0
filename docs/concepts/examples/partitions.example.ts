/**
 * The example from docs/concepts/partitions.md. Run it with
 * `node --conditions=@orch/source docs/concepts/examples/partitions.example.ts`; packages/core/src/partitions/docs-example.test.ts
 * runs it in CI and checks what it prints.
 */
import {
  checkMappingCompatible,
  dailyPartitions,
  fixedPartitionsContext,
  hourlyPartitions,
  isOrchError,
  keysInRange,
  multiPartitions,
  splitMultiPartitionKey,
  staticPartitions,
  timeWindowMapping,
  validatePartitionKey,
} from "@orch/core";

// Partitionings are plain values: define them once, share them between assets.
const zone = "America/New_York";
const hourlyEvents = hourlyPartitions({ start: "2024-03-09", timezone: zone });
const dailyOrders = dailyPartitions({ start: "2024-03-09", timezone: zone });
const regions = staticPartitions(["eu", "us"]);
const ordersByRegion = multiPartitions({ region: regions, date: dailyOrders }); // keys "<date>|<region>"

export async function runPartitionsExample() {
  // "Now" is injectable: which partitions exist on the morning of 2024-03-12 in New York?
  const context = fixedPartitionsContext("2024-03-12T09:00:00-04:00");

  const days = await dailyOrders.getKeys(context);
  const springForward = dailyOrders.timeWindow("2024-03-10"); // 23 hours long
  const hoursOnSpringForward = (await hourlyEvents.getKeys(context)).filter((key) => key.startsWith("2024-03-10"));
  const firstMultiKeys = (await ordersByRegion.getKeys(context)).slice(0, 3);
  const parts = splitMultiPartitionKey(ordersByRegion, "2024-03-10|us");
  const backfill = await keysInRange(dailyOrders, context, "2024-03-09", "2024-03-10");

  // Checked when definitions load: which upstream partitions does each downstream partition read?
  const rollup = checkMappingCompatible(
    { assetKey: "raw/events", partitions: hourlyEvents },
    { assetKey: "daily_orders", partitions: dailyOrders },
    undefined, // no mapping given: both time-based, so the default is the time-window mapping
  );
  const hoursReadBySpringForward = (await rollup!.upstreamKeys("2024-03-10", hourlyEvents, dailyOrders, context)).length;

  const previousDay = checkMappingCompatible(
    { assetKey: "daily_orders", partitions: dailyOrders },
    { assetKey: "orders_vs_yesterday", partitions: dailyOrders },
    timeWindowMapping({ startOffset: -1, endOffset: 0 }),
  );
  const readByMarch11 = await previousDay!.upstreamKeys("2024-03-11", dailyOrders, dailyOrders, context);

  // Mistakes are refused with the names of the things involved.
  const refusals: string[] = [];
  for (const attempt of [
    () => validatePartitionKey(dailyOrders, context, "2024-03-12"), // not over yet
    () => checkMappingCompatible({ assetKey: "raw/events", partitions: hourlyEvents }, { assetKey: "by_region", partitions: regions }, undefined),
  ]) {
    try {
      await attempt();
    } catch (error) {
      if (!isOrchError(error)) throw error;
      refusals.push(`${error.code}: ${error.message}`);
    }
  }

  return { days, springForward, hoursOnSpringForward, firstMultiKeys, parts, backfill, hoursReadBySpringForward, readByMarch11, refusals };
}

if (import.meta.main) console.log(JSON.stringify(await runPartitionsExample(), null, 2));
