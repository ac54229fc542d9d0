import { DateTime, Info } from "luxon";
import { ErrorCode, OrchError } from "../errors.ts";

export type TimeWindowUnit = "hour" | "day" | "week" | "month";
export type Weekday = "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday";

export interface TimeWindowPartitionsOptions {
  readonly unit: TimeWindowUnit;
  /** First window: an ISO date/time (read in `timezone` unless it has an offset), a key in `format`, or a Date. */
  readonly start: string | Date;
  /** Exclusive: only windows that end at or before it. Same forms as `start`. */
  readonly end?: string | Date;
  /** IANA zone the windows follow, including daylight saving. Default `UTC`. */
  readonly timezone?: string;
  /** Luxon format of the keys; defaults to `yyyy-MM-dd` (`yyyy-MM-dd-HH:mm` for hours). */
  readonly format?: string;
  /** Windows past the last complete one: 1 adds the window in progress, -1 drops the last complete one. */
  readonly endOffset?: number;
  /** Weekly windows only; default `sunday` (as Dagster). */
  readonly weekStartsOn?: Weekday;
}

export const DEFAULT_FORMATS: Record<TimeWindowUnit, string> = {
  hour: "yyyy-MM-dd-HH:mm",
  day: "yyyy-MM-dd",
  week: "yyyy-MM-dd",
  month: "yyyy-MM-dd",
};

export const UNIT_ADJECTIVE: Record<TimeWindowUnit, string> = { hour: "hourly", day: "daily", week: "weekly", month: "monthly" };

/** Luxon weekday numbers: Monday = 1 ... Sunday = 7. */
export const WEEKDAY_NUMBER: Record<Weekday, number> = {
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 7,
};

function invalid(message: string): OrchError {
  return new OrchError(ErrorCode.INVALID_PARTITION, message);
}

export function checkTimeWindowOptions(options: TimeWindowPartitionsOptions): void {
  if (!(options.unit in DEFAULT_FORMATS)) {
    throw invalid(`timeWindowPartitions unit ${JSON.stringify(options.unit)} is unknown: expected one of hour, day, week, month.`);
  }
  const zone = options.timezone ?? "UTC";
  if (!Info.isValidIANAZone(zone)) {
    throw invalid(`timeWindowPartitions timezone ${JSON.stringify(zone)} is not an IANA time zone (e.g. "UTC", "Europe/Berlin").`);
  }
  if (options.endOffset !== undefined && !Number.isInteger(options.endOffset)) {
    throw invalid(`timeWindowPartitions endOffset must be an integer, got ${String(options.endOffset)}.`);
  }
  if (options.weekStartsOn !== undefined) {
    if (options.unit !== "week") throw invalid(`timeWindowPartitions weekStartsOn only applies to unit "week", not "${options.unit}".`);
    if (!(options.weekStartsOn in WEEKDAY_NUMBER)) {
      throw invalid(`timeWindowPartitions weekStartsOn ${JSON.stringify(options.weekStartsOn)} is not a weekday name (monday ... sunday).`);
    }
  }
}

/** Reads `start`/`end` as a Date, an ISO string or a key in the partition format, in `zone`. */
export function parseBoundary(value: string | Date, zone: string, format: string, label: "start" | "end"): DateTime {
  const parsed =
    value instanceof Date
      ? DateTime.fromJSDate(value, { zone })
      : typeof value === "string"
        ? pickValid(DateTime.fromISO(value, { zone }), DateTime.fromFormat(value, format, { zone }))
        : DateTime.invalid("not a string or Date");
  if (!parsed.isValid) {
    throw invalid(
      `timeWindowPartitions ${label} ${JSON.stringify(value instanceof Date ? value.toString() : value)} is not a date: expected an ISO date such as "2024-01-01", a key in the format "${format}", or a Date.`,
    );
  }
  return parsed;
}

function pickValid(first: DateTime, second: DateTime): DateTime {
  return first.isValid ? first : second;
}
