import { describe, expect, it } from "vitest";
import { dynamicPartitions } from "./dynamic-partitions.ts";
import { dimensionKeys, getDimension, joinMultiPartitionKey, multiPartitions, splitMultiPartitionKey } from "./multi-partitions.ts";
import { staticPartitions } from "./static-partitions.ts";
import { fixedPartitionsContext, refusal } from "./test-context.ts";
import { dailyPartitions } from "./time-window-partitions.ts";

const context = fixedPartitionsContext("2024-01-03T00:00:00Z", { files: ["a.csv", "b.csv"] });

describe("dynamicPartitions", () => {
  it("reads its keys from the instance at call time", async () => {
    const files = dynamicPartitions("files");
    expect(await files.getKeys(context)).toEqual(["a.csv", "b.csv"]);
    expect(await files.getKeys(fixedPartitionsContext("2024-01-01T00:00:00Z", { files: ["c.csv"] }))).toEqual(["c.csv"]);
    expect(files.description).toBe('dynamic "files"');
  });

  it("refuses an invalid name", async () => {
    const { code, message } = await refusal(() => dynamicPartitions("my files"));
    expect(code).toBe("INVALID_PARTITION");
    expect(message).toContain('name "my files" is invalid');
  });
});

describe("multiPartitions", () => {
  // Given region first: dimensions are still sorted by name, so keys are "<date>|<region>".
  const byDateAndRegion = multiPartitions({ region: staticPartitions(["eu", "us"]), date: dailyPartitions({ start: "2024-01-01" }) });

  it("crosses two dimensions sorted by name, joined with |", async () => {
    expect(byDateAndRegion.dimensions.map((d) => d.name)).toEqual(["date", "region"]);
    expect(await byDateAndRegion.getKeys(context)).toEqual(["2024-01-01|eu", "2024-01-01|us", "2024-01-02|eu", "2024-01-02|us"]);
    expect(byDateAndRegion.description).toBe("multi (date: daily from 2024-01-01 (UTC); region: static (eu, us))");
  });

  it("splits and joins keys by dimension name", () => {
    expect(splitMultiPartitionKey(byDateAndRegion, "2024-01-02|us")).toEqual({ date: "2024-01-02", region: "us" });
    expect(joinMultiPartitionKey(byDateAndRegion, { region: "eu", date: "2024-01-01" })).toBe("2024-01-01|eu");
  });

  it("lists the keys of one dimension", async () => {
    expect(await dimensionKeys(byDateAndRegion, "region", context)).toEqual(["eu", "us"]);
    expect(getDimension(byDateAndRegion, "date").partitions.type).toBe("time");
  });

  it("gives the time window of the time dimension", () => {
    expect(byDateAndRegion.timeWindow?.("2024-01-02|eu")).toEqual({ start: "2024-01-02T00:00:00Z", end: "2024-01-03T00:00:00Z" });
    const noTime = multiPartitions({ a: staticPartitions(["x"]), b: dynamicPartitions("files") });
    expect(noTime.timeWindow).toBeUndefined();
  });

  it("refuses keys and joins it cannot read", async () => {
    expect((await refusal(() => splitMultiPartitionKey(byDateAndRegion, "2024-01-01"))).message).toContain(
      'Partition key "2024-01-01" is not a key of multi (date: daily from 2024-01-01 (UTC); region: static (eu, us)): expected "<date>|<region>"',
    );
    expect((await refusal(() => joinMultiPartitionKey(byDateAndRegion, { date: "2024-01-01", country: "fr" }))).message).toContain(
      "missing region; unknown dimension country (dimensions: date, region)",
    );
    expect((await refusal(() => dimensionKeys(byDateAndRegion, "country", context))).message).toContain(
      'has no dimension "country"; its dimensions are date, region',
    );
  });

  it.each([
    [{ a: staticPartitions(["x"]) }, "exactly two dimensions, got 1 (a)"],
    [{ a: staticPartitions(["x"]), b: staticPartitions(["y"]), c: staticPartitions(["z"]) }, "exactly two dimensions, got 3"],
    [{ "a b": staticPartitions(["x"]), c: staticPartitions(["y"]) }, 'dimension name "a b" is invalid'],
    [{ a: staticPartitions(["x"]), b: "daily" }, 'dimension "b" must be a single'],
  ])("refuses dimensions %#", async (dimensions, why) => {
    const { code, message } = await refusal(() => multiPartitions(dimensions as never));
    expect(code).toBe("INVALID_PARTITION");
    expect(message).toContain(why);
  });

  it("refuses a multi dimension inside a multi", async () => {
    const inner = multiPartitions({ a: staticPartitions(["x"]), b: staticPartitions(["y"]) });
    expect((await refusal(() => multiPartitions({ a: inner, b: staticPartitions(["z"]) }))).message).toContain('dimension "a" must be a single');
  });
});
