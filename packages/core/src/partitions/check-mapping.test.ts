import { describe, expect, it } from "vitest";
import { checkMappingCompatible, defaultPartitionMapping } from "./check-mapping.ts";
import { dynamicPartitions } from "./dynamic-partitions.ts";
import { identityMapping } from "./identity-mapping.ts";
import { multiPartitions } from "./multi-partitions.ts";
import { multiToSingleDimensionMapping } from "./multi-to-single-mapping.ts";
import { allPartitionsMapping } from "./partition-mapping.ts";
import type { PartitionsDefinition } from "./partitions-definition.ts";
import { staticMapping } from "./static-mapping.ts";
import { staticPartitions } from "./static-partitions.ts";
import { refusal } from "./test-context.ts";
import { dailyPartitions, hourlyPartitions } from "./time-window-partitions.ts";
import { lastNPartitionsMapping, timeWindowMapping } from "./time-window-mapping.ts";

const daily = dailyPartitions({ start: "2024-01-01" });
const hourly = hourlyPartitions({ start: "2024-01-01" });
const regions = staticPartitions(["eu", "us"]);
const byDateAndRegion = multiPartitions({ date: daily, region: regions });

const orders = (partitions?: PartitionsDefinition) => ({ assetKey: "raw/orders", partitions });
const revenue = (partitions?: PartitionsDefinition) => ({ assetKey: "daily_revenue", partitions });

describe("default mappings", () => {
  it.each([
    ["none when the upstream is not partitioned", undefined, daily, undefined],
    ["all partitions when only the upstream is partitioned", daily, undefined, "all"],
    ["identity for the same definition object", daily, daily, "identity"],
    ["identity for equal definitions", staticPartitions(["eu", "us"]), regions, "identity"],
    ["identity for the same dynamic set", dynamicPartitions("files"), dynamicPartitions("files"), "identity"],
    ["time window between granularities", hourly, daily, "timeWindow"],
    ["time window between different starts", dailyPartitions({ start: "2023-01-01" }), daily, "timeWindow"],
    ["multi-to-single when a dimension matches (upstream multi)", byDateAndRegion, daily, "multiToSingle"],
    ["multi-to-single when a dimension matches (downstream multi)", regions, byDateAndRegion, "multiToSingle"],
  ])("%s", (_name, up, down, type) => {
    expect(checkMappingCompatible(orders(up), revenue(down), undefined)?.type).toBe(type);
    expect(defaultPartitionMapping(up, down)?.type).toBe(type);
  });

  it("picks the matching dimension", async () => {
    const mapping = checkMappingCompatible(orders(byDateAndRegion), revenue(regions), undefined);
    expect(mapping?.description).toBe('multi-to-single-dimension mapping on "region"');
  });

  it.each([
    ["daily vs static", daily, regions],
    ["two different static lists", staticPartitions(["de", "fr"]), regions],
    ["static vs dynamic", regions, dynamicPartitions("files")],
  ])("refuses to guess between %s, naming both assets and partitionings", async (_name, up, down) => {
    const { code, message } = await refusal(() => checkMappingCompatible(orders(up), revenue(down), undefined));
    expect(code).toBe("INCOMPATIBLE_PARTITIONS");
    expect(message).toContain(`Asset "daily_revenue" cannot read "raw/orders" with the default mapping`);
    expect(message).toContain(`upstream "raw/orders" is partitioned ${up.description}`);
    expect(message).toContain(`downstream "daily_revenue" is partitioned ${down.description}`);
    expect(message).toContain("give the input a partitionMapping");
  });
});

describe("explicit mappings", () => {
  it("accepts compatible mappings and returns them", () => {
    const previous = timeWindowMapping({ startOffset: -1, endOffset: -1 });
    expect(checkMappingCompatible(orders(daily), revenue(daily), previous)).toBe(previous);
    expect(checkMappingCompatible(orders(hourly), revenue(daily), lastNPartitionsMapping(48))?.type).toBe("lastN");
    expect(checkMappingCompatible(orders(daily), revenue(undefined), lastNPartitionsMapping(7))?.type).toBe("lastN");
    expect(checkMappingCompatible(orders(regions), revenue(daily), allPartitionsMapping())?.type).toBe("all");
    expect(checkMappingCompatible(orders(regions), revenue(staticPartitions(["europe"])), staticMapping({ europe: "eu" }))?.type).toBe("static");
    expect(checkMappingCompatible(orders(daily), revenue(regions), staticMapping({ eu: "2024-01-01" }))?.type).toBe("static");
  });

  const refusals: [string, PartitionsDefinition | undefined, PartitionsDefinition | undefined, () => unknown, string][] = [
    ["identity between daily and static", daily, regions, identityMapping, "identity maps keys one to one, but the upstream is time and the downstream static"],
    ["identity between daily and hourly", hourly, daily, identityMapping, "identity needs the same windows, time zone and key format; use timeWindowMapping()"],
    ["identity with missing static keys", regions, staticPartitions(["eu", "apac"]), identityMapping, 'the downstream keys "apac" are not upstream keys'],
    ["identity between dynamic sets", dynamicPartitions("a"), dynamicPartitions("b"), identityMapping, 'the dynamic partition sets differ ("a" and "b")'],
    ["identity to an unpartitioned asset", daily, undefined, identityMapping, "both assets must be partitioned"],
    ["time window between static lists", regions, regions, timeWindowMapping, "both assets must be time-partitioned (upstream is static-partitioned, downstream static-partitioned)"],
    ["time window to an unpartitioned asset", daily, undefined, timeWindowMapping, "downstream not partitioned"],
    ["last-n between static and daily", regions, daily, () => lastNPartitionsMapping(2), "both assets must be time-partitioned"],
    ["multi-to-single on a missing dimension", byDateAndRegion, daily, () => multiToSingleDimensionMapping({ dimension: "country" }), 'no dimension "country" (its dimensions are date, region)'],
    ["multi-to-single whose dimension does not match", byDateAndRegion, hourly, () => multiToSingleDimensionMapping({ dimension: "date" }), 'dimension "date" does not match the downstream'],
    ["multi-to-single between two single assets", daily, daily, () => multiToSingleDimensionMapping({ dimension: "date" }), "needs one multi-partitioned asset"],
    ["a static map naming unknown downstream keys", regions, regions, () => staticMapping({ apac: "eu" }), 'names downstream keys that do not exist: "apac" (valid keys: eu, us)'],
    ["a static map naming unknown upstream keys", regions, regions, () => staticMapping({ eu: ["eu", "uk"] }), 'names upstream keys that do not exist: "uk"'],
    ["a static map naming malformed time keys", daily, regions, () => staticMapping({ eu: "yesterday" }), '"yesterday" (Partition key "yesterday" is not a key of daily'],
    ["any mapping from an unpartitioned upstream", undefined, daily, allPartitionsMapping, "needs a partitioned upstream asset; remove the partitionMapping"],
  ];

  it.each(refusals)("refuses %s, naming both assets", async (_name, up, down, make, why) => {
    const mapping = make();
    const { code, message } = await refusal(() => checkMappingCompatible(orders(up), revenue(down), mapping));
    expect(code).toBe("INCOMPATIBLE_PARTITIONS");
    expect(message).toContain(`Asset "daily_revenue" cannot read "raw/orders" with ${(mapping as { description: string }).description}`);
    expect(message).toContain(`upstream "raw/orders" is ${up ? `partitioned ${up.description}` : "not partitioned"}`);
    expect(message).toContain(`downstream "daily_revenue" is ${down ? `partitioned ${down.description}` : "not partitioned"}`);
    expect(message).toContain(why);
  });

  it("refuses something that is not a mapping", async () => {
    const { code, message } = await refusal(() => checkMappingCompatible(orders(daily), revenue(daily), { type: "identity" }));
    expect(code).toBe("INVALID_DEFINITION");
    expect(message).toContain('Asset "daily_revenue" input "raw/orders": partitionMapping is not a partition mapping');
  });
});
