import { describe, expect, it } from "vitest";
import { dynamicPartitions } from "./dynamic-partitions.ts";
import { identityMapping } from "./identity-mapping.ts";
import { multiPartitions } from "./multi-partitions.ts";
import { multiToSingleDimensionMapping } from "./multi-to-single-mapping.ts";
import { allPartitionsMapping } from "./partition-mapping.ts";
import { staticMapping } from "./static-mapping.ts";
import { staticPartitions } from "./static-partitions.ts";
import { fixedPartitionsContext, refusal } from "./test-context.ts";
import { dailyPartitions, hourlyPartitions, monthlyPartitions, weeklyPartitions } from "./time-window-partitions.ts";
import { lastNPartitionsMapping, timeWindowMapping } from "./time-window-mapping.ts";

const context = fixedPartitionsContext("2024-03-20T00:00:00Z", { customers: ["acme", "globex"] });
const daily = dailyPartitions({ start: "2024-01-01" });
const regions = staticPartitions(["eu", "us"]);

describe("identityMapping", () => {
  it("reads the same key, in upstream order, once", async () => {
    expect(await identityMapping().upstreamKeys(["2024-01-03", "2024-01-02", "2024-01-03"], daily, daily, context)).toEqual(["2024-01-02", "2024-01-03"]);
    expect(await identityMapping().upstreamKeys("us", regions, regions, context)).toEqual(["us"]);
  });

  it("leaves out keys the upstream does not have (yet)", async () => {
    const later = dailyPartitions({ start: "2024-01-02" });
    expect(await identityMapping().upstreamKeys(["2024-01-01", "2024-01-02"], later, daily, context)).toEqual(["2024-01-02"]);
  });

  it("reads dynamic keys from the instance", async () => {
    const customers = dynamicPartitions("customers");
    expect(await identityMapping().upstreamKeys(["globex", "initech"], customers, customers, context)).toEqual(["globex"]);
  });
});

describe("allPartitionsMapping", () => {
  it("reads every upstream key, for a partitioned or unpartitioned downstream", async () => {
    expect(await allPartitionsMapping().upstreamKeys("eu", regions, regions, context)).toEqual(["eu", "us"]);
    expect(await allPartitionsMapping().upstreamKeys(undefined, regions, undefined, context)).toEqual(["eu", "us"]);
  });
});

describe("timeWindowMapping", () => {
  it("offset -1 reads the previous window", async () => {
    const previous = timeWindowMapping({ startOffset: -1, endOffset: -1 });
    expect(await previous.upstreamKeys("2024-03-01", daily, daily, context)).toEqual(["2024-02-29"]);
    expect(await timeWindowMapping({ startOffset: -1 }).upstreamKeys("2024-03-01", daily, daily, context)).toEqual(["2024-02-29", "2024-03-01"]);
  });

  it("reads nothing before the first upstream window", async () => {
    expect(await timeWindowMapping({ startOffset: -1, endOffset: -1 }).upstreamKeys("2024-01-01", daily, daily, context)).toEqual([]);
  });

  it("maps a day to its 24 hours, and 23 on the spring-forward day in New York", async () => {
    const zone = "America/New_York";
    const hourly = hourlyPartitions({ start: "2024-03-01", timezone: zone });
    const nyDaily = dailyPartitions({ start: "2024-03-01", timezone: zone });
    const normal = await timeWindowMapping().upstreamKeys("2024-03-09", hourly, nyDaily, context);
    expect(normal).toHaveLength(24);
    expect([normal[0], normal.at(-1)]).toEqual(["2024-03-09-00:00", "2024-03-09-23:00"]);
    const spring = await timeWindowMapping().upstreamKeys("2024-03-10", hourly, nyDaily, context);
    expect(spring).toHaveLength(23);
    expect(spring).not.toContain("2024-03-10-02:00");
  });

  it("maps an hour to the day containing it, and a month to its days", async () => {
    const hourly = hourlyPartitions({ start: "2024-01-01" });
    expect(await timeWindowMapping().upstreamKeys("2024-02-29-13:00", daily, hourly, context)).toEqual(["2024-02-29"]);
    const monthly = monthlyPartitions({ start: "2024-01-01" });
    const february = await timeWindowMapping().upstreamKeys("2024-02-01", daily, monthly, context);
    expect(february).toHaveLength(29);
    expect(february.at(-1)).toBe("2024-02-29");
  });

  it("maps a week to the two months it overlaps", async () => {
    const weekly = weeklyPartitions({ start: "2024-01-01" });
    const monthly = monthlyPartitions({ start: "2024-01-01" });
    expect(await timeWindowMapping().upstreamKeys("2024-01-28", monthly, weekly, context)).toEqual(["2024-01-01", "2024-02-01"]);
  });

  it("maps across time zones by instant", async () => {
    const berlin = dailyPartitions({ start: "2024-01-01", timezone: "Europe/Berlin" });
    // Berlin's 2024-01-10 is 2024-01-09T23:00Z .. 2024-01-10T23:00Z: two UTC days.
    expect(await timeWindowMapping().upstreamKeys("2024-01-10", daily, berlin, context)).toEqual(["2024-01-09", "2024-01-10"]);
  });

  it("refuses offsets that make an empty window", async () => {
    const { code, message } = await refusal(() => timeWindowMapping({ startOffset: 0, endOffset: -1 }));
    expect(code).toBe("INVALID_DEFINITION");
    expect(message).toContain("startOffset (0) is after endOffset (-1)");
    expect((await refusal(() => timeWindowMapping({ startOffset: 0.5 }))).message).toContain("startOffset must be an integer");
  });

  it("refuses to map static partitions", async () => {
    const { code } = await refusal(() => timeWindowMapping().upstreamKeys("eu", regions, regions, context));
    expect(code).toBe("INCOMPATIBLE_PARTITIONS");
  });
});

describe("lastNPartitionsMapping", () => {
  it("reads a rolling window ending with the downstream window", async () => {
    expect(await lastNPartitionsMapping(3).upstreamKeys("2024-03-01", daily, daily, context)).toEqual(["2024-02-28", "2024-02-29", "2024-03-01"]);
    expect(await lastNPartitionsMapping(3).upstreamKeys("2024-01-02", daily, daily, context)).toEqual(["2024-01-01", "2024-01-02"]);
  });

  it("reads the last n hours of a day", async () => {
    const hourly = hourlyPartitions({ start: "2024-01-01" });
    expect(await lastNPartitionsMapping(2).upstreamKeys("2024-01-05", hourly, daily, context)).toEqual(["2024-01-05-22:00", "2024-01-05-23:00"]);
  });

  it("reads the latest upstream keys for an unpartitioned downstream", async () => {
    expect(await lastNPartitionsMapping(1).upstreamKeys(undefined, daily, undefined, context)).toEqual(["2024-03-19"]);
    expect(await lastNPartitionsMapping(2).upstreamKeys(undefined, regions, undefined, context)).toEqual(["eu", "us"]);
  });

  it("refuses n below 1", async () => {
    expect((await refusal(() => lastNPartitionsMapping(0))).message).toContain("at least 1, got 0");
  });
});

describe("staticMapping", () => {
  const countries = staticPartitions(["de", "fr", "ca"]);
  const mapping = staticMapping({ eu: ["de", "fr"], us: "ca", apac: "jp" });

  it("reads the listed upstream keys that exist", async () => {
    expect(await mapping.upstreamKeys("eu", countries, regions, context)).toEqual(["de", "fr"]);
    expect(await mapping.upstreamKeys(["us", "eu"], countries, regions, context)).toEqual(["de", "fr", "ca"]);
    expect(await mapping.upstreamKeys("apac", countries, regions, context)).toEqual([]);
  });

  it("refuses an empty table or invalid keys", async () => {
    expect((await refusal(() => staticMapping({}))).message).toContain("at least one downstream key");
    expect((await refusal(() => staticMapping({ eu: [] }))).message).toContain('entry "eu": maps to no upstream key');
    expect((await refusal(() => staticMapping({ eu: "d|e" }))).message).toContain('contains "|"');
  });
});

describe("multiToSingleDimensionMapping", () => {
  const byDateAndRegion = multiPartitions({ date: daily, region: regions });
  const byDate = multiToSingleDimensionMapping({ dimension: "date" });

  it("upstream multi: a day reads every region of that day", async () => {
    expect(await byDate.upstreamKeys("2024-01-02", byDateAndRegion, daily, context)).toEqual(["2024-01-02|eu", "2024-01-02|us"]);
  });

  it("downstream multi: a day and region reads that day", async () => {
    expect(await byDate.upstreamKeys(["2024-01-02|us", "2024-01-02|eu"], daily, byDateAndRegion, context)).toEqual(["2024-01-02"]);
  });

  it("refuses a missing dimension name", async () => {
    const { code, message } = await refusal(() => multiToSingleDimensionMapping({ dimension: "" }));
    expect(code).toBe("INVALID_DEFINITION");
    expect(message).toContain('needs the name of a dimension: { dimension: "date" }');
  });

  it("refuses a dimension that does not exist", async () => {
    const { code, message } = await refusal(() =>
      multiToSingleDimensionMapping({ dimension: "country" }).upstreamKeys("eu", byDateAndRegion, regions, context),
    );
    expect(code).toBe("INCOMPATIBLE_PARTITIONS");
    expect(message).toContain('the upstream has no dimension "country" (its dimensions are date, region)');
  });
});
