import { ErrorCode, OrchError } from "../errors.ts";
import { parseCron } from "./cron.ts";
import { checkRunRetryTags } from "../queue/run-retries.ts";
import { checkAutomationName, checkStatus } from "./names.ts";
import type { AutomationStatus, AutomationTarget, ScheduleDefinition, ScheduleFunction } from "./types.ts";

export interface CronScheduleOptions {
  readonly name: string;
  /** Five fields (minute hour day-of-month month day-of-week) or a nickname such as `@daily`. */
  readonly cron: string;
  /** IANA zone the cron is read in; default UTC. */
  readonly timezone?: string;
  /** What each tick runs; a time-partitioned target requests the partition the tick closes. */
  readonly target?: AutomationTarget;
  readonly tags?: Readonly<Record<string, string>>;
  readonly config?: unknown;
  readonly defaultStatus?: AutomationStatus;
  readonly description?: string;
  /** Missed ticks of a partitioned schedule run after downtime (default 5). */
  readonly maxCatchupRuns?: number;
  /** Function form: computes the run requests of each tick (or a skip). Requests without a target use `target`. */
  readonly evaluate?: ScheduleFunction;
  /** Resources the function form reads from `context.resources`. */
  readonly resources?: readonly string[];
}

/** A cron schedule. Each tick's run key is its scheduled time, so a tick never launches twice. */
export function schedule(options: CronScheduleOptions): ScheduleDefinition {
  const name = checkAutomationName("schedule", options.name);
  const owner = `Schedule "${name}"`;
  const timezone = options.timezone ?? "UTC";
  if (typeof options.cron !== "string") throw new OrchError(ErrorCode.INVALID_CRON, `${owner} needs a cron expression string (e.g. "0 0 * * *").`);
  parseCron(options.cron, timezone, owner);
  if (options.target === undefined && options.evaluate === undefined) {
    throw new OrchError(ErrorCode.INVALID_DEFINITION, `${owner} needs a target or an evaluate function.`);
  }
  checkRunRetryTags(options.tags, owner);
  const maxCatchupRuns = options.maxCatchupRuns ?? 5;
  if (!Number.isInteger(maxCatchupRuns) || maxCatchupRuns < 1) {
    throw new OrchError(ErrorCode.INVALID_DEFINITION, `${owner}: maxCatchupRuns must be a positive integer, got ${options.maxCatchupRuns}.`);
  }
  return Object.freeze({
    kind: "orch.schedule",
    name,
    cron: options.cron,
    timezone,
    ...(options.description !== undefined ? { description: options.description } : {}),
    defaultStatus: checkStatus(owner, options.defaultStatus ?? "stopped"),
    maxCatchupRuns,
    ...(options.target !== undefined ? { target: options.target } : {}),
    tags: { ...options.tags },
    ...(options.config !== undefined ? { config: options.config } : {}),
    ...(options.evaluate ? { evaluate: options.evaluate } : {}),
    resources: [...(options.resources ?? [])],
  });
}

export function isScheduleDefinition(value: unknown): value is ScheduleDefinition {
  return typeof value === "object" && value !== null && (value as ScheduleDefinition).kind === "orch.schedule";
}
