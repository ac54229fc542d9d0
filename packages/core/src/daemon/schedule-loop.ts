import { scheduleTicksBetween } from "../automation/cron.ts";
import { evaluateScheduleTick, schedulePartitions } from "../automation/evaluate-schedule.ts";
import type { ScheduleDefinition } from "../automation/types.ts";
import type { TickRecord } from "../automation-storage.ts";
import { effectiveStatus } from "./instigator-status.ts";
import { applyTickResult, withEvaluationResources, type TickContext } from "./tick-context.ts";

/** The ticks to run after downtime: a partitioned schedule catches up to `maxCatchupRuns`, a plain one runs its latest. */
export function ticksToRun(schedule: ScheduleDefinition, partitioned: boolean, due: readonly number[]): number[] {
  return due.slice(-(partitioned ? Math.max(1, schedule.maxCatchupRuns) : 1));
}

/** One pass of the scheduler: every running schedule evaluates the ticks due since its last one. */
export async function tickSchedules(context: TickContext): Promise<TickRecord[]> {
  const ticks: TickRecord[] = [];
  for (const schedule of context.definitions.schedules.values()) {
    if (context.signal.aborted) break;
    ticks.push(...(await tickSchedule(context, schedule)));
  }
  return ticks;
}

async function tickSchedule(context: TickContext, schedule: ScheduleDefinition): Promise<TickRecord[]> {
  const { instance, clock } = context;
  const state = await instance.getInstigatorState(schedule.name);
  if (effectiveStatus(schedule.defaultStatus, state) !== "running") return [];
  const now = clock.now();
  if (state?.lastTickAt === undefined) {
    // First sight of a running schedule: it starts counting now rather than replaying its history.
    await instance.setInstigatorState({ ...state, name: schedule.name, kind: "schedule", lastTickAt: now, updatedAt: now });
    return [];
  }
  const due = scheduleTicksBetween(schedule, state.lastTickAt, now);
  if (due.length === 0) return [];
  const partitioned = schedulePartitions(schedule, context.definitions) !== undefined;
  const run = ticksToRun(schedule, partitioned, due);
  if (run.length < due.length) context.log(`schedule ${schedule.name}: ${due.length - run.length} missed tick(s) not run (catch-up keeps ${run.length})`);
  const records: TickRecord[] = [];
  for (const scheduledTime of run) {
    const startedAt = performance.now();
    const result = await withEvaluationResources(context, `schedule ${schedule.name}`, schedule.resources, (resources) =>
      evaluateScheduleTick(schedule, { scheduledTime, instance, definitions: context.definitions, resources, signal: context.signal }),
    );
    records.push(await applyTickResult(context, { instigator: schedule.name, kind: "schedule", timestamp: scheduledTime }, result, startedAt));
    const latest = await instance.getInstigatorState(schedule.name);
    await instance.setInstigatorState({ ...latest, name: schedule.name, kind: "schedule", lastTickAt: scheduledTime, updatedAt: clock.now() });
  }
  return records;
}
