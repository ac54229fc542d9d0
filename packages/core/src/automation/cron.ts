import { Cron, type CronOptions } from "croner";
import { ErrorCode, OrchError } from "../errors.ts";
import type { ScheduleDefinition } from "./types.ts";

/**
 * Cron expressions are five fields (minute hour day-of-month month day-of-week) or a nickname (`@daily`),
 * parsed and stepped by croner. DST, as croner applies it with `fixedTimeRule: "no-wildcard"` (Vixie cron's rule):
 * - a schedule whose minute and hour fields have no wildcard or step (`30 2 * * *`, `0 9,17 * * *`) is a fixed-time
 *   schedule: a time inside the spring-forward gap runs at the first existing time after it (03:00), and a time in
 *   the repeated fall-back hour runs once, at its first occurrence;
 * - any other schedule (`0 * * * *`, `*\/15 * * * *`) follows real time: an hourly schedule runs every real hour,
 *   twice through the repeated hour and not at all for the hour that does not exist.
 */
const CRON_OPTIONS = { paused: true, mode: "5-part", fixedTimeRule: "no-wildcard" } as const satisfies CronOptions;

const FIELDS = [
  { name: "minute", allowed: "0-59" },
  { name: "hour", allowed: "0-23" },
  { name: "day of month", allowed: "1-31, L, W" },
  { name: "month", allowed: "1-12 or JAN-DEC" },
  { name: "day of week", allowed: "0-7 or SUN-SAT, L, #" },
] as const;

const compiled = new WeakMap<ScheduleDefinition, Cron>();

/** Refuses a timezone that is not an IANA zone (croner silently accepts any string). */
export function checkTimezone(timezone: string, owner: string): void {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch (error) {
    throw new OrchError(ErrorCode.INVALID_TIMEZONE, `${owner} has timezone ${JSON.stringify(timezone)}, which is not an IANA time zone name (e.g. "UTC", "Europe/Paris", "America/New_York").`, {
      cause: error,
      details: { owner, timezone },
    });
  }
}

/** Parses a cron expression; on failure the error names the field, its 1-based column and the values it allows. */
export function parseCron(cron: string, timezone: string, owner: string): Cron {
  checkTimezone(timezone, owner);
  try {
    return new Cron(cron, { ...CRON_OPTIONS, timezone });
  } catch (error) {
    throw cronError(cron, owner, error);
  }
}

function cronError(cron: string, owner: string, cause: unknown): OrchError {
  const fields = [...cron.matchAll(/\S+/g)];
  const details = { owner, cron };
  if (fields.length !== FIELDS.length) {
    const nickname = fields.length === 1 && fields[0]![0].startsWith("@");
    return new OrchError(
      ErrorCode.INVALID_CRON,
      `${owner} has cron ${JSON.stringify(cron)}: ${nickname ? `unknown nickname ${fields[0]![0]} (use @yearly, @monthly, @weekly, @daily or @hourly)` : `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`}.`,
      { cause, details },
    );
  }
  // Find the culprit by letting croner parse each field alone among wildcards.
  const index = fields.findIndex((_, i) => {
    try {
      new Cron(fields.map((f, j) => (j === i ? f[0] : "*")).join(" "), CRON_OPTIONS);
      return false;
    } catch {
      return true;
    }
  });
  const culprit = fields[index === -1 ? 0 : index]!;
  const field = FIELDS[index === -1 ? 0 : index]!;
  const reason = cause instanceof Error ? cause.message.replace(/^CronPattern: /, "") : String(cause);
  const where = index === -1 ? "" : ` at column ${culprit.index + 1}: ${field.name} ${JSON.stringify(culprit[0])} (allowed: ${field.allowed}, with * , - /)`;
  return new OrchError(ErrorCode.INVALID_CRON, `${owner} has cron ${JSON.stringify(cron)}, which is invalid${where}: ${reason}.`, {
    cause,
    details: { ...details, ...(index === -1 ? {} : { field: field.name, column: culprit.index + 1 }) },
  });
}

/** The schedule's parsed cron, parsed once per schedule (validation and every tick share it). */
export function cronOf(schedule: ScheduleDefinition): Cron {
  let cron = compiled.get(schedule);
  if (!cron) {
    cron = parseCron(schedule.cron, schedule.timezone, `Schedule "${schedule.name}"`);
    compiled.set(schedule, cron);
  }
  return cron;
}

/** The first due time strictly after `afterMs`, or undefined if the expression never fires again. */
export function nextScheduleTick(schedule: ScheduleDefinition, afterMs: number): number | undefined {
  return cronOf(schedule).nextRun(new Date(afterMs))?.getTime();
}

/**
 * Due times `t` with `afterMs < t <= untilMs`, ascending, with the DST rules above. The daemon decides how many
 * of them to run after downtime (the latest one, or up to `maxCatchupRuns` for partitioned schedules); `limit`
 * keeps only that many of the latest ones without listing years of minutes.
 */
export function scheduleTicksBetween(schedule: ScheduleDefinition, afterMs: number, untilMs: number, limit = Number.POSITIVE_INFINITY): number[] {
  const cron = cronOf(schedule);
  if (untilMs <= afterMs) return [];
  if (Number.isFinite(limit)) {
    // Walk back from the end: a catch-up after a month of downtime must not step through every minute of it.
    // `previousRuns` includes a run in the reference's own second, so step back from just past `untilMs`.
    return cron
      .previousRuns(limit, new Date(Math.floor(untilMs / 1000) * 1000 + 1000))
      .map((date) => date.getTime())
      .filter((t) => t > afterMs && t <= untilMs)
      .reverse();
  }
  const ticks: number[] = [];
  for (let next = cron.nextRun(new Date(afterMs)); next && next.getTime() <= untilMs; next = cron.nextRun(next)) ticks.push(next.getTime());
  return ticks;
}
