import { DateTime } from "luxon";
import { ErrorCode, OrchError } from "../errors.ts";
import { AMBIGUOUS_SUFFIX_FORMAT, type TimeWindowGrid } from "./time-window-grid.ts";

function refuse(key: string, description: string, why: string): OrchError {
  return new OrchError(ErrorCode.INVALID_PARTITION, `Partition key ${JSON.stringify(key)} is not a key of ${description}: ${why}.`, {
    details: { key, partitions: description },
  });
}

/**
 * The window index a key names. Refuses (INVALID_PARTITION) keys that do not match the format,
 * name a wall-clock time that does not exist (spring forward), leave out the offset of a repeated
 * hour (fall back), or do not start a window (a Wednesday for weeks starting on Sunday).
 */
export function parseTimeWindowKey(grid: TimeWindowGrid, key: string, description: string): number {
  const { format, zone, unit } = grid;
  let parsed = typeof key === "string" ? DateTime.fromFormat(key, format, { zone }) : DateTime.invalid("not a string");
  const withOffset = !parsed.isValid && unit === "hour";
  if (withOffset) {
    parsed = DateTime.fromFormat(key, format + AMBIGUOUS_SUFFIX_FORMAT, { zone, setZone: true }).setZone(zone);
  }
  if (!parsed.isValid) {
    throw refuse(String(key), description, `expected the format "${format}", e.g. "${grid.keyAt(0)}"`);
  }
  const index = grid.indexAt(parsed.toMillis());
  const canonical = grid.keyAt(index);
  if (canonical === key) return index;

  // Luxon moves a wall-clock time inside a spring-forward gap to after it, so the text changes.
  if (!withOffset && parsed.toFormat(format) !== key && DateTime.fromFormat(key, format, { zone: "UTC" }).toFormat(format) === key) {
    throw refuse(key, description, `that time does not exist in ${zone} (clocks go forward); the window is "${canonical}"`);
  }
  if (grid.startMs(index) !== parsed.toMillis()) {
    throw refuse(key, description, `it does not start a window; the nearest windows are "${canonical}" and "${grid.keyAt(index + 1)}"`);
  }
  const plain = grid.plainKeyAt(index);
  if (key === plain) {
    const twins = [index - 1, index, index + 1].filter((i) => grid.plainKeyAt(i) === plain).map((i) => `"${grid.keyAt(i)}"`);
    throw refuse(key, description, `that hour happens twice in ${zone} (clocks go back); use ${twins.join(" or ")}`);
  }
  throw refuse(key, description, `write it as "${canonical}"`);
}
