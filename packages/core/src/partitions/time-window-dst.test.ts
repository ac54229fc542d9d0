import { describe, expect, it } from "vitest";
import { fixedPartitionsContext, refusal } from "./test-context.ts";
import { dailyPartitions, hourlyPartitions, monthlyPartitions, weeklyPartitions } from "./time-window-partitions.ts";

const hoursOf = (window: { start: string; end: string }) => (Date.parse(window.end) - Date.parse(window.start)) / 3_600_000;

describe("America/New_York", () => {
  const daily = dailyPartitions({ start: "2024-03-09", timezone: "America/New_York" });
  const hourly = hourlyPartitions({ start: "2024-03-09", timezone: "America/New_York" });

  it("spring forward (2024-03-10): the day has 23 hours", () => {
    expect(daily.timeWindow("2024-03-10")).toEqual({ start: "2024-03-10T00:00:00-05:00", end: "2024-03-11T00:00:00-04:00" });
    expect(hoursOf(daily.timeWindow("2024-03-10"))).toBe(23);
    expect(hoursOf(daily.timeWindow("2024-03-11"))).toBe(24);
  });

  it("spring forward: hourly keys skip 02:00", async () => {
    const keys = await hourly.getKeys(fixedPartitionsContext("2024-03-10T09:00:00Z")); // 05:00 EDT
    expect(keys.filter((key) => key.startsWith("2024-03-10"))).toEqual([
      "2024-03-10-00:00",
      "2024-03-10-01:00",
      "2024-03-10-03:00",
      "2024-03-10-04:00",
    ]);
    expect(hourly.timeWindow("2024-03-10-01:00")).toEqual({ start: "2024-03-10T01:00:00-05:00", end: "2024-03-10T03:00:00-04:00" });
  });

  it("spring forward: refuses the missing hour, naming the window that exists", async () => {
    const { code, message } = await refusal(() => hourly.timeWindow("2024-03-10-02:00"));
    expect(code).toBe("INVALID_PARTITION");
    expect(message).toContain('"2024-03-10-02:00"');
    expect(message).toContain("does not exist in America/New_York (clocks go forward)");
  });

  it("fall back (2024-11-03): the day has 25 hours", () => {
    expect(daily.timeWindow("2024-11-03")).toEqual({ start: "2024-11-03T00:00:00-04:00", end: "2024-11-04T00:00:00-05:00" });
    expect(hoursOf(daily.timeWindow("2024-11-03"))).toBe(25);
  });

  it("fall back: the repeated hour appears twice, told apart by its offset", async () => {
    const keys = await hourly.getKeys(fixedPartitionsContext("2024-11-03T08:00:00Z")); // 03:00 EST
    expect(keys.slice(-4)).toEqual(["2024-11-03-00:00", "2024-11-03-01:00-0400", "2024-11-03-01:00-0500", "2024-11-03-02:00"]);
    expect(new Set(keys).size).toBe(keys.length);
    expect(hourly.timeWindow("2024-11-03-01:00-0400")).toEqual({ start: "2024-11-03T01:00:00-04:00", end: "2024-11-03T01:00:00-05:00" });
    expect(hourly.timeWindow("2024-11-03-01:00-0500")).toEqual({ start: "2024-11-03T01:00:00-05:00", end: "2024-11-03T02:00:00-05:00" });
  });

  it("fall back: refuses the repeated hour without an offset, listing both keys", async () => {
    const { message } = await refusal(() => hourly.timeWindow("2024-11-03-01:00"));
    expect(message).toContain('"2024-11-03-01:00"');
    expect(message).toContain('use "2024-11-03-01:00-0400" or "2024-11-03-01:00-0500"');
  });

  it("refuses an offset on an hour that is not repeated", async () => {
    const { message } = await refusal(() => hourly.timeWindow("2024-11-03-03:00-0500"));
    expect(message).toContain('write it as "2024-11-03-03:00"');
  });

  it("a day over the change reads the right hours", async () => {
    const keys = await hourly.getKeys(fixedPartitionsContext("2024-11-05T00:00:00Z"));
    expect(keys.filter((key) => key.startsWith("2024-11-03"))).toHaveLength(25);
    expect(keys.filter((key) => key.startsWith("2024-03-10"))).toHaveLength(23);
  });

  it("a week over spring forward has 167 hours", () => {
    const weekly = weeklyPartitions({ start: "2024-03-03", timezone: "America/New_York" });
    expect(hoursOf(weekly.timeWindow("2024-03-10"))).toBe(167);
  });
});

describe("Europe/Berlin", () => {
  const daily = dailyPartitions({ start: "2024-03-01", timezone: "Europe/Berlin" });
  const hourly = hourlyPartitions({ start: "2024-03-30", timezone: "Europe/Berlin" });

  it("spring forward (2024-03-31): 23-hour day, 02:00 skipped", async () => {
    expect(daily.timeWindow("2024-03-31")).toEqual({ start: "2024-03-31T00:00:00+01:00", end: "2024-04-01T00:00:00+02:00" });
    const keys = await hourly.getKeys(fixedPartitionsContext("2024-03-31T03:00:00Z")); // 05:00 CEST
    expect(keys.filter((key) => key.startsWith("2024-03-31"))).toEqual(["2024-03-31-00:00", "2024-03-31-01:00", "2024-03-31-03:00", "2024-03-31-04:00"]);
  });

  it("fall back (2024-10-27): 25-hour day, 02:00 twice as +0200 then +0100", async () => {
    expect(hoursOf(daily.timeWindow("2024-10-27"))).toBe(25);
    const keys = await hourly.getKeys(fixedPartitionsContext("2024-10-27T03:00:00Z")); // 04:00 CET
    expect(keys.slice(-4)).toEqual(["2024-10-27-01:00", "2024-10-27-02:00+0200", "2024-10-27-02:00+0100", "2024-10-27-03:00"]);
    expect(hourly.timeWindow("2024-10-27-02:00+0100")).toEqual({ start: "2024-10-27T02:00:00+01:00", end: "2024-10-27T03:00:00+01:00" });
  });

  it("keyForTime picks the right repeated hour", () => {
    expect(hourly.keyForTime("2024-10-27T00:30:00Z")).toBe("2024-10-27-02:00+0200");
    expect(hourly.keyForTime("2024-10-27T01:30:00Z")).toBe("2024-10-27-02:00+0100");
  });

  it("weeks and months over a change are an hour short or long", () => {
    const weekly = weeklyPartitions({ start: "2024-10-01", timezone: "Europe/Berlin", weekStartsOn: "monday" });
    expect(hoursOf(weekly.timeWindow("2024-10-21"))).toBe(169);
    const monthly = monthlyPartitions({ start: "2024-01-01", timezone: "Europe/Berlin" });
    expect(monthly.timeWindow("2024-03-01")).toEqual({ start: "2024-03-01T00:00:00+01:00", end: "2024-04-01T00:00:00+02:00" });
    expect(hoursOf(monthly.timeWindow("2024-03-01"))).toBe(31 * 24 - 1);
  });

  it("daily keys are dates in Berlin, not in UTC", () => {
    expect(daily.keyForTime("2024-06-30T22:30:00Z")).toBe("2024-07-01");
  });
});
