import { describe, expect, it } from "vitest";
import { refusal } from "../refusal.test-support.ts";
import { nextScheduleTick, scheduleTicksBetween } from "./cron.ts";
import { schedule } from "./schedule.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString());
const make = (cron: string, timezone = "UTC") => schedule({ name: "s", cron, timezone, target: "*" });

describe("scheduleTicksBetween", () => {
  it("lists due times after the start (exclusive) up to the end (inclusive)", () => {
    const daily = make("0 0 * * *");
    expect(iso(scheduleTicksBetween(daily, at("2024-01-01T00:00:00Z"), at("2024-01-03T00:00:00Z")))).toEqual(["2024-01-02T00:00:00.000Z", "2024-01-03T00:00:00.000Z"]);
    expect(scheduleTicksBetween(daily, at("2024-01-03T00:00:00Z"), at("2024-01-01T00:00:00Z"))).toEqual([]);
    expect(iso([nextScheduleTick(make("@hourly"), at("2024-01-01T00:30:00Z"))!])).toEqual(["2024-01-01T01:00:00.000Z"]);
  });

  it("keeps only the latest ticks with a limit, without walking the whole range", () => {
    const everyMinute = make("* * * * *");
    const ticks = scheduleTicksBetween(everyMinute, at("2000-01-01T00:00:00Z"), at("2024-01-01T00:00:00Z"), 3);
    expect(iso(ticks)).toEqual(["2023-12-31T23:58:00.000Z", "2023-12-31T23:59:00.000Z", "2024-01-01T00:00:00.000Z"]);
    expect(scheduleTicksBetween(make("0 0 * * *"), at("2024-01-01T00:00:00Z"), at("2024-01-01T12:00:00Z"), 5)).toEqual([]);
    expect(iso(scheduleTicksBetween(make("0 0 * * *"), at("2023-12-31T12:00:00Z"), at("2024-01-01T12:00:00Z"), 5))).toEqual(["2024-01-01T00:00:00.000Z"]);
  });

  it("reads the cron in the schedule's timezone", () => {
    const paris = make("0 9 * * *", "Europe/Paris");
    expect(iso(scheduleTicksBetween(paris, at("2024-07-01T00:00:00Z"), at("2024-07-02T00:00:00Z")))).toEqual(["2024-07-01T07:00:00.000Z"]);
  });
});

describe("daylight saving time (America/New_York)", () => {
  it("runs a tick that falls in the spring-forward gap at the next existing time", () => {
    // 2024-03-10: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist that day.
    const ticks = scheduleTicksBetween(make("30 2 * * *", "America/New_York"), at("2024-03-09T12:00:00Z"), at("2024-03-11T12:00:00Z"));
    expect(iso(ticks)).toEqual(["2024-03-10T07:00:00.000Z" /* 03:00 EDT */, "2024-03-11T06:30:00.000Z" /* 02:30 EDT */]);
  });

  it("runs a tick in the repeated fall-back hour once, lists included", () => {
    // 2024-11-03: 01:00-02:00 happens twice (EDT, then EST).
    const once = scheduleTicksBetween(make("30 1 * * *", "America/New_York"), at("2024-11-02T12:00:00Z"), at("2024-11-04T12:00:00Z"));
    expect(iso(once)).toEqual(["2024-11-03T05:30:00.000Z" /* 01:30 EDT */, "2024-11-04T06:30:00.000Z"]);
    const list = scheduleTicksBetween(make("30 1,13 * * *", "America/New_York"), at("2024-11-03T00:00:00Z"), at("2024-11-04T00:00:00Z"));
    expect(list).toHaveLength(2);
  });

  it("runs an hourly schedule every real hour: 23 ticks on the spring day, 25 on the fall day", () => {
    const hourly = make("0 * * * *", "America/New_York");
    const spring = scheduleTicksBetween(hourly, at("2024-03-10T05:00:00Z") - 1, at("2024-03-11T04:00:00Z") - 1);
    expect(spring).toHaveLength(23);
    const fall = scheduleTicksBetween(hourly, at("2024-11-03T04:00:00Z") - 1, at("2024-11-04T05:00:00Z") - 1);
    expect(fall).toHaveLength(25);
    // Consecutive ticks are one real hour apart throughout.
    expect(new Set(fall.slice(1).map((t, i) => t - fall[i]!))).toEqual(new Set([3_600_000]));
    // Walking back with a limit (catch-up) sees the repeated hour too.
    expect(scheduleTicksBetween(hourly, at("2024-11-03T04:00:00Z") - 1, at("2024-11-04T05:00:00Z") - 1, 24)).toEqual(fall.slice(1));
  });
});

describe("cron and timezone refusals", () => {
  it("names the bad field and its column", () => {
    const r = refusal(() => make("0 0 32 * *"));
    expect(r.code).toBe("INVALID_CRON");
    expect(r.message).toContain('Schedule "s" has cron "0 0 32 * *", which is invalid at column 5: day of month "32" (allowed: 1-31');
    expect(refusal(() => make("*/5 25 * * *")).message).toContain('at column 5: hour "25"');
    expect(refusal(() => make("0 0 * * MOX")).message).toContain('at column 9: day of week "MOX"');
  });

  it("refuses the wrong number of fields and unknown nicknames", () => {
    expect(refusal(() => make("0 0 * *")).message).toContain("expected 5 fields (minute hour day-of-month month day-of-week), got 4");
    expect(refusal(() => make("0 0 0 * * *")).message).toContain("got 6");
    expect(refusal(() => make("@fortnightly")).message).toContain("unknown nickname @fortnightly");
  });

  it("refuses a timezone that is not an IANA zone", () => {
    const r = refusal(() => make("0 0 * * *", "Mars/Olympus_Mons"));
    expect(r.code).toBe("INVALID_TIMEZONE");
    expect(r.message).toContain('Schedule "s" has timezone "Mars/Olympus_Mons", which is not an IANA time zone name');
  });
});
