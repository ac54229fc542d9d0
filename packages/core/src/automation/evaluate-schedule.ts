import type { Definitions } from "../definitions.ts";
import type { TimeWindowPartitionsDefinition } from "../partitions/time-window-partitions.ts";
import { startEvaluation } from "./evaluation.ts";
import { readOnlyInstance } from "./instance-reader.ts";
import { AUTOMATION_TAGS } from "./names.ts";
import { resolveRunRequest } from "./run-requests.ts";
import { isSkipReason } from "./skip.ts";
import { targetOffset, targetTimePartitions } from "./targets.ts";
import type { EvaluateScheduleTickOptions, ResolvedRunRequest, ScheduleDefinition, TickResult } from "./types.ts";

/** The run key of a schedule tick: the same scheduled time always gives the same key. */
export function scheduleRunKey(schedule: ScheduleDefinition, scheduledTime: number): string {
  return `schedule:${schedule.name}:${new Date(scheduledTime).toISOString()}`;
}

const partitionsCache = new WeakMap<Definitions, Map<string, TimeWindowPartitionsDefinition | undefined>>();

/** The time partitioning a schedule's target shares, or undefined for an unpartitioned (or function-only) schedule. */
export function schedulePartitions(schedule: ScheduleDefinition, definitions: Definitions): TimeWindowPartitionsDefinition | undefined {
  if (schedule.target === undefined || schedule.evaluate) return undefined;
  let cache = partitionsCache.get(definitions);
  if (!cache) partitionsCache.set(definitions, (cache = new Map()));
  if (!cache.has(schedule.name)) cache.set(schedule.name, targetTimePartitions(`Schedule "${schedule.name}"`, schedule.target, definitions));
  return cache.get(schedule.name);
}

/**
 * Evaluates one tick of a schedule at its scheduled time. A plain schedule requests its target (with the partition
 * the tick closes when the target is time-partitioned); the function form computes its requests. Never rejects:
 * a throw or a timeout is a TickResult with `error`.
 */
export async function evaluateScheduleTick(schedule: ScheduleDefinition, options: EvaluateScheduleTickOptions): Promise<TickResult> {
  const owner = `Schedule "${schedule.name}"`;
  const evaluation = startEvaluation(owner, options);
  const scheduledTimeIso = new Date(options.scheduledTime).toISOString();
  const runKey = scheduleRunKey(schedule, options.scheduledTime);
  const defaults = {
    ...(schedule.target !== undefined ? { target: schedule.target } : {}),
    tags: { ...schedule.tags, [AUTOMATION_TAGS.schedule]: schedule.name, [AUTOMATION_TAGS.scheduledTime]: scheduledTimeIso },
    ...(schedule.config !== undefined ? { config: schedule.config } : {}),
  };
  try {
    if (!schedule.evaluate) {
      const partitions = schedulePartitions(schedule, options.definitions);
      const request = resolveRunRequest(owner, {}, 0, defaults, options.definitions);
      if (!partitions) return { runRequests: [{ ...request, runKey }], logs: evaluation.logs };
      // The window that ends at (or last before) the tick, shifted by the partitions' endOffset and the target's offset.
      const index = partitions.indexAt(scheduledTimeIso) - 1 + partitions.endOffset - targetOffset(schedule.target!);
      if (index < 0) return { runRequests: [], skipReason: `no partition of ${partitions.description} has closed by ${scheduledTimeIso}`, logs: evaluation.logs };
      if (index > partitions.lastIndex({ now: new Date(options.scheduledTime), dynamicPartitions: async () => [] })) {
        return { runRequests: [], skipReason: `the partitions (${partitions.description}) end before the window this tick closes`, logs: evaluation.logs };
      }
      return { runRequests: [{ ...request, runKey, partitionKey: partitions.keyAt(index) }], logs: evaluation.logs };
    }
    const evaluate = schedule.evaluate;
    const returned = await evaluation.run(() =>
      evaluate({
        scheduleName: schedule.name,
        scheduledTime: options.scheduledTime,
        scheduledTimeIso,
        instance: readOnlyInstance(options.instance),
        definitions: options.definitions,
        resources: options.resources ?? {},
        log: evaluation.log,
        signal: evaluation.signal,
      }),
    );
    if (isSkipReason(returned)) return { runRequests: [], skipReason: returned.message, logs: evaluation.logs };
    const list = Array.isArray(returned) ? returned : [returned];
    const runRequests: ResolvedRunRequest[] = list.map((request, i) => {
      const resolved = resolveRunRequest(owner, request, i, defaults, options.definitions);
      // Every key is derived from the tick (a function's own key is appended), so a retried tick launches nothing
      // twice while the next tick still launches.
      return { ...resolved, runKey: resolved.runKey !== undefined ? `${runKey}:${resolved.runKey}` : list.length === 1 ? runKey : `${runKey}:${i}` };
    });
    if (runRequests.length === 0) return { runRequests, skipReason: "the schedule function returned no run requests", logs: evaluation.logs };
    return { runRequests, logs: evaluation.logs };
  } catch (error) {
    return evaluation.failed(error);
  }
}
