import { describe, expect, it } from "vitest";
import { fixedPartitionsContext, refusal } from "./test-context.ts";
import { dailyPartitions, hourlyPartitions, monthlyPartitions, timeWindowPartitions, weeklyPartitions } from "./time-window-partitions.ts";

describe("dailyPartitions (UTC)", () => {
  const daily = dailyPartitions({ start: "2024-01-01" });

  it("lists every complete day up to now", async () => {
    const keys = await daily.getKeys(fixedPartitionsContext("2024-01-04T12:00:00Z"));
    expect(keys).toEqual(["2024-01-01", "2024-01-02", "2024-01-03"]);
    expect(daily.description).toBe("daily from 2024-01-01 (UTC)");
  });

  it("counts a day as complete exactly at the next midnight", async () => {
    expect(await daily.getKeys(fixedPartitionsContext("2024-01-02T00:00:00Z"))).toEqual(["2024-01-01"]);
    expect(await daily.getKeys(fixedPartitionsContext("2024-01-01T23:59:59Z"))).toEqual([]);
  });

  it("gives ISO windows with offsets", () => {
    expect(daily.timeWindow("2024-02-29")).toEqual({ start: "2024-02-29T00:00:00Z", end: "2024-03-01T00:00:00Z" });
  });

  it("adds the window in progress with endOffset 1 and drops one with -1", async () => {
    const now = fixedPartitionsContext("2024-01-04T12:00:00Z");
    expect((await dailyPartitions({ start: "2024-01-01", endOffset: 1 }).getKeys(now)).at(-1)).toBe("2024-01-04");
    expect((await dailyPartitions({ start: "2024-01-01", endOffset: -1 }).getKeys(now)).at(-1)).toBe("2024-01-02");
  });

  it("stops at an exclusive end even when now is later", async () => {
    const bounded = dailyPartitions({ start: "2024-01-30", end: "2024-02-02" });
    expect(await bounded.getKeys(fixedPartitionsContext("2025-01-01T00:00:00Z"))).toEqual(["2024-01-30", "2024-01-31", "2024-02-01"]);
    expect(bounded.description).toBe("daily from 2024-01-30 until 2024-02-02 (UTC)");
  });

  it("starts at the next window when start is not on a boundary", async () => {
    const late = dailyPartitions({ start: "2024-01-01T06:00:00Z" });
    expect(late.keyAt(0)).toBe("2024-01-02");
  });

  it("finds the key for an instant", () => {
    expect(daily.keyForTime("2024-03-05T23:59:59Z")).toBe("2024-03-05");
    expect(daily.keyForTime(new Date("2024-03-06T00:00:00Z"))).toBe("2024-03-06");
  });

  it("refuses an instant that is not a date", async () => {
    const { code, message } = await refusal(() => daily.keyForTime("yesterday"));
    expect(code).toBe("INVALID_PARTITION");
    expect(message).toBe('[orch] "yesterday" is not an ISO date/time (partitions: daily from 2024-01-01 (UTC)).');
  });

  it("refuses malformed keys naming the key and the format", async () => {
    const { code, message } = await refusal(() => daily.timeWindow("2024-1-5"));
    expect(code).toBe("INVALID_PARTITION");
    expect(message).toBe(
      '[orch] Partition key "2024-1-5" is not a key of daily from 2024-01-01 (UTC): expected the format "yyyy-MM-dd", e.g. "2024-01-01".',
    );
    expect((await refusal(() => daily.timeWindow("2024-02-30"))).message).toContain('expected the format "yyyy-MM-dd"');
  });
});

describe("hourlyPartitions (UTC)", () => {
  const hourly = hourlyPartitions({ start: "2024-01-31T22:00:00Z" });

  it("uses Dagster's hourly key format across a month end", async () => {
    expect(await hourly.getKeys(fixedPartitionsContext("2024-02-01T01:30:00Z"))).toEqual([
      "2024-01-31-22:00",
      "2024-01-31-23:00",
      "2024-02-01-00:00",
    ]);
    expect(hourly.timeWindow("2024-01-31-23:00")).toEqual({ start: "2024-01-31T23:00:00Z", end: "2024-02-01T00:00:00Z" });
  });

  it("refuses a key that does not start an hour", async () => {
    const { message } = await refusal(() => hourly.timeWindow("2024-02-01-10:30"));
    expect(message).toContain('"2024-02-01-10:30"');
    expect(message).toContain('it does not start a window; the nearest windows are "2024-02-01-10:00" and "2024-02-01-11:00"');
  });

  it("accepts a start written in the key format", () => {
    expect(hourlyPartitions({ start: "2024-05-01-07:00" }).keyAt(0)).toBe("2024-05-01-07:00");
  });
});

describe("monthlyPartitions", () => {
  const monthly = monthlyPartitions({ start: "2023-11-15" });

  it("keys calendar months by their first day, across year end and leap February", async () => {
    const keys = await monthly.getKeys(fixedPartitionsContext("2024-03-31T23:00:00Z"));
    expect(keys).toEqual(["2023-12-01", "2024-01-01", "2024-02-01"]);
    expect(monthly.timeWindow("2024-02-01")).toEqual({ start: "2024-02-01T00:00:00Z", end: "2024-03-01T00:00:00Z" });
  });

  it("refuses a day inside a month, naming the month keys around it", async () => {
    const { code, message } = await refusal(() => monthly.timeWindow("2024-01-31"));
    expect(code).toBe("INVALID_PARTITION");
    expect(message).toContain('the nearest windows are "2024-01-01" and "2024-02-01"');
  });

  it("follows month ends in a time zone", () => {
    const tokyo = monthlyPartitions({ start: "2024-01-01", timezone: "Asia/Tokyo" });
    expect(tokyo.timeWindow("2024-04-01")).toEqual({ start: "2024-04-01T00:00:00+09:00", end: "2024-05-01T00:00:00+09:00" });
    expect(tokyo.keyForTime("2024-04-30T15:00:00Z")).toBe("2024-05-01");
  });
});

describe("weeklyPartitions", () => {
  it("starts weeks on Sunday by default and keys them by their first day", async () => {
    const weekly = weeklyPartitions({ start: "2024-01-01" }); // a Monday: first full week starts Sunday the 7th
    expect(weekly.description).toBe("weekly (weeks start on Sunday) from 2024-01-07 (UTC)");
    expect(await weekly.getKeys(fixedPartitionsContext("2024-01-21T00:00:00Z"))).toEqual(["2024-01-07", "2024-01-14"]);
    expect(weekly.timeWindow("2024-01-14")).toEqual({ start: "2024-01-14T00:00:00Z", end: "2024-01-21T00:00:00Z" });
  });

  it("honours weekStartsOn and crosses a year boundary", async () => {
    const weekly = weeklyPartitions({ start: "2023-12-20", weekStartsOn: "monday" });
    expect(await weekly.getKeys(fixedPartitionsContext("2024-01-08T00:00:00Z"))).toEqual(["2023-12-25", "2024-01-01"]);
  });

  it("refuses a key on the wrong weekday", async () => {
    const weekly = weeklyPartitions({ start: "2024-01-01", weekStartsOn: "monday" });
    const { message } = await refusal(() => weekly.timeWindow("2024-01-10"));
    expect(message).toContain('"2024-01-10" is not a key of weekly (weeks start on Monday) from 2024-01-01 (UTC)');
    expect(message).toContain('"2024-01-08" and "2024-01-15"');
  });
});

describe("timeWindowPartitions options", () => {
  it("accepts a custom format and reads it back", async () => {
    const compact = timeWindowPartitions({ unit: "day", start: "2024-01-01", format: "yyyyMMdd" });
    expect(await compact.getKeys(fixedPartitionsContext("2024-01-03T00:00:00Z"))).toEqual(["20240101", "20240102"]);
    expect(compact.timeWindow("20240102").start).toBe("2024-01-02T00:00:00Z");
  });

  it.each([
    [{ unit: "minute", start: "2024-01-01" }, 'unit "minute" is unknown'],
    [{ unit: "day", start: "2024-01-01", timezone: "Mars/Olympus" }, 'timezone "Mars/Olympus" is not an IANA time zone'],
    [{ unit: "day", start: "soon" }, 'start "soon" is not a date'],
    [{ unit: "day", start: "2024-01-01", end: "2024-01-01T12:00:00Z" }, "end is before the end of the first window"],
    [{ unit: "day", start: "2024-01-01", endOffset: 0.5 }, "endOffset must be an integer"],
    [{ unit: "day", start: "2024-01-01", weekStartsOn: "monday" }, 'weekStartsOn only applies to unit "week"'],
    [{ unit: "hour", start: "2024-01-01", format: "yyyy-MM-dd" }, 'format "yyyy-MM-dd" cannot be used'],
    [{ unit: "day", start: "2024-01-01", format: "yyyy/MM/dd" }, 'contains "/"'],
  ])("refuses %j", async (options, why) => {
    const { code, message } = await refusal(() => timeWindowPartitions(options as never));
    expect(code).toBe("INVALID_PARTITION");
    expect(message).toContain(why);
  });
});
