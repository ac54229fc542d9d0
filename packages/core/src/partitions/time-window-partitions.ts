import { DateTime } from "luxon";
import { ErrorCode, OrchError } from "../errors.ts";
import { partitionKeyProblem } from "./partition-key-rules.ts";
import type { PartitionsContext, PartitionsDefinition, TimeWindow } from "./partitions-definition.ts";
import { alignWindowStart, createTimeWindowGrid } from "./time-window-grid.ts";
import { parseTimeWindowKey } from "./time-window-key-parser.ts";
import {
  DEFAULT_FORMATS,
  UNIT_ADJECTIVE,
  checkTimeWindowOptions,
  parseBoundary,
  type TimeWindowPartitionsOptions,
  type TimeWindowUnit,
  type Weekday,
} from "./time-window-options.ts";

/**
 * Time-window partitions. Besides the contract, it numbers its windows (0 = the first window,
 * negative = before it) so mappings can shift and overlap windows without listing keys.
 */
export interface TimeWindowPartitionsDefinition extends PartitionsDefinition {
  readonly type: "time";
  readonly unit: TimeWindowUnit;
  readonly timezone: string;
  readonly format: string;
  /** Start of the first window, ISO with offset. */
  readonly start: string;
  /** Exclusive end given in the options, ISO with offset. */
  readonly end: string | undefined;
  readonly endOffset: number;
  readonly weekStartsOn: Weekday | undefined;
  /** Start (inclusive) and end (exclusive) of a key's window; INVALID_PARTITION for a malformed key. */
  timeWindow(key: string): TimeWindow;
  indexOfKey(key: string): number;
  keyAt(index: number): string;
  windowAt(index: number): TimeWindow;
  /** Index of the window containing an instant (a Date or an ISO string). */
  indexAt(instant: Date | string): number;
  /** Key of the window containing an instant. */
  keyForTime(instant: Date | string): string;
  /** Index of the last key `getKeys` lists in this context; -1 when there is none yet. */
  lastIndex(context: PartitionsContext): number;
}

const ISO = { suppressMilliseconds: true } as const;

export function timeWindowPartitions(options: TimeWindowPartitionsOptions): TimeWindowPartitionsDefinition {
  checkTimeWindowOptions(options);
  const { unit } = options;
  const zone = options.timezone ?? "UTC";
  const format = options.format ?? DEFAULT_FORMATS[unit];
  const endOffset = options.endOffset ?? 0;
  const weekStartsOn = unit === "week" ? (options.weekStartsOn ?? "sunday") : undefined;
  const first = alignWindowStart(parseBoundary(options.start, zone, format, "start"), unit, weekStartsOn ?? "sunday");
  const end = options.end === undefined ? undefined : parseBoundary(options.end, zone, format, "end");
  const grid = createTimeWindowGrid(unit, zone, format, first);

  const weekNote = weekStartsOn ? ` (weeks start on ${weekStartsOn[0]!.toUpperCase()}${weekStartsOn.slice(1)})` : "";
  const description =
    `${UNIT_ADJECTIVE[unit]}${weekNote} from ${grid.keyAt(0)}` +
    (end ? ` until ${end.toFormat(format)}` : "") +
    (endOffset !== 0 ? `, end offset ${endOffset > 0 ? "+" : ""}${endOffset}` : "") +
    ` (${zone})`;

  const toMs = (instant: Date | string): number => {
    const parsed = instant instanceof Date ? DateTime.fromJSDate(instant) : DateTime.fromISO(String(instant), { zone });
    if (!parsed.isValid) {
      throw new OrchError(ErrorCode.INVALID_PARTITION, `${JSON.stringify(String(instant))} is not an ISO date/time (partitions: ${description}).`);
    }
    return parsed.toMillis();
  };
  const windowAt = (index: number): TimeWindow => ({
    start: grid.startAt(index).toISO(ISO)!,
    end: grid.startAt(index + 1).toISO(ISO)!,
  });
  const indexOfKey = (key: string): number => parseTimeWindowKey(grid, key, description);
  const lastIndex = (context: PartitionsContext): number => {
    const byNow = grid.indexAt((context.now ?? new Date()).getTime()) - 1 + endOffset;
    return end ? Math.min(byNow, grid.indexAt(end.toMillis()) - 1) : byNow;
  };

  if (end && grid.startMs(1) > end.toMillis()) {
    throw new OrchError(ErrorCode.INVALID_PARTITION, `timeWindowPartitions ${description}: end is before the end of the first window (${windowAt(0).end}).`);
  }
  checkFormat(grid.keyAt(0), grid.keyAt(1), format, indexOfKey);

  return Object.freeze({
    kind: "orch.partitions",
    type: "time",
    description,
    unit,
    timezone: zone,
    format,
    start: first.toISO(ISO)!,
    end: end?.toISO(ISO) ?? undefined,
    endOffset,
    weekStartsOn,
    async getKeys(context: PartitionsContext) {
      const keys: string[] = [];
      for (let index = 0, last = lastIndex(context); index <= last; index += 1) keys.push(grid.keyAt(index));
      return keys;
    },
    timeWindow: (key: string) => windowAt(indexOfKey(key)),
    indexOfKey,
    keyAt: grid.keyAt,
    windowAt,
    indexAt: (instant: Date | string) => grid.indexAt(toMs(instant)),
    keyForTime: (instant: Date | string) => grid.keyAt(grid.indexAt(toMs(instant))),
    lastIndex,
  });
}

/** A custom format must give distinct keys that read back to their window and can be stored. */
function checkFormat(firstKey: string, secondKey: string, format: string, indexOfKey: (key: string) => number): void {
  const problem = partitionKeyProblem(firstKey);
  let readsBack = firstKey !== secondKey;
  try {
    readsBack &&= indexOfKey(firstKey) === 0 && indexOfKey(secondKey) === 1;
  } catch {
    readsBack = false;
  }
  if (problem !== undefined || !readsBack) {
    throw new OrchError(
      ErrorCode.INVALID_PARTITION,
      `timeWindowPartitions format "${format}" cannot be used: ${problem ?? `its keys ("${firstKey}", "${secondKey}") do not name one window each`}.`,
    );
  }
}

export type TimeWindowShortcutOptions = Omit<TimeWindowPartitionsOptions, "unit" | "weekStartsOn">;

/** Hourly windows; keys `2024-01-01-13:00`, and `2024-11-03-01:00-0400` / `-0500` for a repeated hour. */
export const hourlyPartitions = (options: TimeWindowShortcutOptions) => timeWindowPartitions({ ...options, unit: "hour" });
/** Daily windows from local midnight; keys `2024-01-01`. */
export const dailyPartitions = (options: TimeWindowShortcutOptions) => timeWindowPartitions({ ...options, unit: "day" });
/** Weekly windows keyed by their first day; weeks start on Sunday unless `weekStartsOn` says otherwise. */
export const weeklyPartitions = (options: TimeWindowShortcutOptions & { readonly weekStartsOn?: Weekday }) =>
  timeWindowPartitions({ ...options, unit: "week" });
/** Calendar months keyed by their first day: `2024-01-01`. */
export const monthlyPartitions = (options: TimeWindowShortcutOptions) => timeWindowPartitions({ ...options, unit: "month" });

export function isTimeWindowPartitions(value: PartitionsDefinition | undefined): value is TimeWindowPartitionsDefinition {
  return value?.type === "time" && typeof (value as TimeWindowPartitionsDefinition).indexOfKey === "function";
}
