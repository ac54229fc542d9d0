import { DateTime } from "luxon";
import { WEEKDAY_NUMBER, type TimeWindowUnit, type Weekday } from "./time-window-options.ts";

/**
 * The windows of one time partitioning, numbered from the first window (index 0; negative indexes
 * are windows before it). Days, weeks and months step in calendar time in the zone, so a day is
 * 23 or 25 hours across a daylight-saving change; hours step in absolute time, so the missing hour
 * never appears and the repeated hour appears twice.
 */
export interface TimeWindowGrid {
  readonly unit: TimeWindowUnit;
  readonly zone: string;
  readonly format: string;
  startAt(index: number): DateTime;
  startMs(index: number): number;
  /** The index of the window containing the instant. */
  indexAt(ms: number): number;
  /** The key without a daylight-saving offset suffix. */
  plainKeyAt(index: number): string;
  /** The canonical key (see `keyAt` in time-window-partitions.ts). */
  keyAt(index: number): string;
}

const NOMINAL_MS: Record<TimeWindowUnit, number> = {
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
  month: 2_629_746_000,
};

/** Offset suffix for a repeated hour: `-0400`. */
export const AMBIGUOUS_SUFFIX_FORMAT = "ZZZ";

/** The first window start at or after `from`. */
export function alignWindowStart(from: DateTime, unit: TimeWindowUnit, weekStartsOn: Weekday): DateTime {
  let aligned: DateTime;
  if (unit === "hour") aligned = from.startOf("hour");
  else if (unit === "day") aligned = from.startOf("day");
  else if (unit === "month") aligned = from.startOf("month");
  else {
    const day = from.startOf("day");
    aligned = day.minus({ days: (day.weekday - WEEKDAY_NUMBER[weekStartsOn] + 7) % 7 });
  }
  if (aligned.toMillis() >= from.toMillis()) return aligned;
  return unit === "hour" ? aligned.plus({ hours: 1 }) : aligned.plus({ [`${unit}s`]: 1 }).startOf("day");
}

export function createTimeWindowGrid(unit: TimeWindowUnit, zone: string, format: string, first: DateTime): TimeWindowGrid {
  const baseMs = first.toMillis();
  const starts = new Map<number, number>();
  const plainKeys = new Map<number, string>();
  // The zone object, not its name: luxon skips normalising the name on every window.
  const zoneObject = first.zone;

  const startAt = (index: number): DateTime => {
    if (unit === "hour") return DateTime.fromMillis(baseMs + index * NOMINAL_MS.hour, { zone: zoneObject });
    // startOf("day") re-anchors on midnight (or the first instant of a day that skips midnight).
    return first.plus({ [`${unit}s`]: index }).startOf("day");
  };
  const startMs = (index: number): number => {
    let ms = starts.get(index);
    if (ms === undefined) {
      ms = startAt(index).toMillis();
      starts.set(index, ms);
    }
    return ms;
  };
  const plainKeyAt = (index: number): string => {
    let key = plainKeys.get(index);
    if (key === undefined) {
      key = startAt(index).toFormat(format);
      plainKeys.set(index, key);
    }
    return key;
  };

  return {
    unit,
    zone,
    format,
    startAt,
    startMs,
    indexAt(ms) {
      let index = Math.floor((ms - baseMs) / NOMINAL_MS[unit]);
      while (startMs(index) > ms) index -= 1;
      while (startMs(index + 1) <= ms) index += 1;
      return index;
    },
    plainKeyAt,
    keyAt(index) {
      const plain = plainKeyAt(index);
      // Only hourly windows can share a wall-clock start (the repeated hour when clocks go back).
      if (unit !== "hour") return plain;
      const repeated = plainKeyAt(index - 1) === plain || plainKeyAt(index + 1) === plain;
      return repeated ? plain + startAt(index).toFormat(AMBIGUOUS_SUFFIX_FORMAT) : plain;
    },
  };
}
