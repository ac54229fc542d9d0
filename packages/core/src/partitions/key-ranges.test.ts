import { describe, expect, it } from "vitest";
import { keysInRange, validatePartitionKey } from "./key-ranges.ts";
import { multiPartitions } from "./multi-partitions.ts";
import { staticPartitions } from "./static-partitions.ts";
import { fixedPartitionsContext, refusal } from "./test-context.ts";
import { dailyPartitions, hourlyPartitions } from "./time-window-partitions.ts";

const context = fixedPartitionsContext("2024-02-03T00:00:00Z");
const daily = dailyPartitions({ start: "2024-01-25" });
const regions = staticPartitions(["us-east", "us-west", "eu-central", "eu-west"]);

describe("keysInRange", () => {
  it("includes both ends, across a month end", async () => {
    expect(await keysInRange(daily, context, "2024-01-30", "2024-02-02")).toEqual(["2024-01-30", "2024-01-31", "2024-02-01", "2024-02-02"]);
    expect(await keysInRange(daily, context, "2024-01-30", "2024-01-30")).toEqual(["2024-01-30"]);
  });

  it("follows the declared order of static keys", async () => {
    expect(await keysInRange(regions, context, "us-west", "eu-west")).toEqual(["us-west", "eu-central", "eu-west"]);
  });

  it("crosses the repeated hour", async () => {
    const hourly = hourlyPartitions({ start: "2024-11-03", timezone: "America/New_York" });
    const keys = await keysInRange(hourly, fixedPartitionsContext("2024-11-04T00:00:00Z"), "2024-11-03-00:00", "2024-11-03-02:00");
    expect(keys).toEqual(["2024-11-03-00:00", "2024-11-03-01:00-0400", "2024-11-03-01:00-0500", "2024-11-03-02:00"]);
  });

  it("refuses a start before the first partition, naming the range and the first keys", async () => {
    const { code, message } = await refusal(() => keysInRange(daily, context, "2023-12-31", "2024-01-27"));
    expect(code).toBe("UNKNOWN_PARTITION");
    expect(message).toBe(
      '[orch] Partition range "2023-12-31...2024-01-27": start partition "2023-12-31" does not exist in daily from 2024-01-25 (UTC): ' +
        'it is before the first partition; the first keys are "2024-01-25", "2024-01-26", "2024-01-27".',
    );
  });

  it("refuses an end after now, naming the last keys", async () => {
    const { message } = await refusal(() => keysInRange(daily, context, "2024-01-30", "2024-02-05"));
    expect(message).toContain('Partition range "2024-01-30...2024-02-05": end partition "2024-02-05" does not exist');
    expect(message).toContain('it is after the last partition as of 2024-02-03T00:00:00.000Z; the last keys are "2024-01-31", "2024-02-01", "2024-02-02"');
  });

  it("refuses an unknown static endpoint, listing the closest keys", async () => {
    const { message } = await refusal(() => keysInRange(regions, context, "us-east", "eu-wset"));
    expect(message).toContain('Partition range "us-east...eu-wset": end partition "eu-wset" does not exist in static');
    expect(message).toContain('the closest keys are "eu-west", "us-west", "us-east"');
  });

  it("refuses a malformed time endpoint with the expected format", async () => {
    const { code, message } = await refusal(() => keysInRange(daily, context, "Jan 30", "2024-02-01"));
    expect(code).toBe("INVALID_PARTITION");
    expect(message).toContain('"Jan 30" is not a key of daily from 2024-01-25 (UTC): expected the format "yyyy-MM-dd"');
  });

  it("refuses a reversed range", async () => {
    const { code, message } = await refusal(() => keysInRange(daily, context, "2024-02-01", "2024-01-30"));
    expect(code).toBe("INVALID_PARTITION");
    expect(message).toContain('Partition range "2024-02-01...2024-01-30": the start comes after the end');
  });
});

describe("validatePartitionKey", () => {
  it("returns a valid key", async () => {
    expect(await validatePartitionKey(daily, context, "2024-02-02")).toBe("2024-02-02");
    expect(await validatePartitionKey(regions, context, "eu-west")).toBe("eu-west");
  });

  it("refuses an unknown static key with the closest keys", async () => {
    const { code, message } = await refusal(() => validatePartitionKey(regions, context, "eu-centrl"));
    expect(code).toBe("UNKNOWN_PARTITION");
    expect(message).toContain('Partition "eu-centrl" does not exist in static (us-east, us-west, eu-central, eu-west): the closest keys are "eu-central"');
  });

  it("refuses a window that has not ended yet", async () => {
    const { message } = await refusal(() => validatePartitionKey(daily, context, "2024-02-03"));
    expect(message).toContain('Partition "2024-02-03" does not exist in daily from 2024-01-25 (UTC): it is after the last partition');
  });

  it("says which dimension of a multi key is unknown", async () => {
    const multi = multiPartitions({ date: daily, region: regions });
    expect(await validatePartitionKey(multi, context, "2024-01-26|eu-west")).toBe("2024-01-26|eu-west");
    const { message } = await refusal(() => validatePartitionKey(multi, context, "2024-01-26|eu-wst"));
    expect(message).toContain('dimension "region" has no key "eu-wst" (the closest keys are "eu-west"');
  });

  it("says when there are no partitions yet", async () => {
    const { message } = await refusal(() => validatePartitionKey(daily, fixedPartitionsContext("2024-01-25T10:00:00Z"), "2024-01-25"));
    expect(message).toContain("there are no partitions yet");
  });
});
