import { scheduleTicksBetween } from "../automation/cron.ts";
import { evaluateScheduleTick, schedulePartitions } from "../automation/evaluate-schedule.ts";
import type { ScheduleDefinition } from "../automation/types.ts";
import type { InstigatorState, TickRecord } from "../automation-storage.ts";
import { effectiveStatus } from "./instigator-status.ts";
import { mapConcurrent } from "../map-concurrent.ts";
import { commitTicks, EVALUATION_CONCURRENCY, withEvaluationResources, type EvaluatedTick, type TickContext } from "./tick-context.ts";

/** The ticks to run after downtime: a partitioned schedule catches up to `maxCatchupRuns`, a plain one runs its latest. */
export function ticksToRun(schedule: ScheduleDefinition, partitioned: boolean, due: readonly number[]): number[] {
  return due.slice(-(partitioned ? Math.max(1, schedule.maxCatchupRuns) : 1));
}

/** One pass of the scheduler: every running schedule evaluates the ticks due since its last one, committed together. */
export async function tickSchedules(context: TickContext): Promise<TickRecord[]> {
  const { instance, clock, definitions } = context;
  const states = new Map((await instance.listInstigatorStates()).map((state) => [state.name, state]));
  const now = clock.now();
  const firstSeen: InstigatorState[] = [];
  const due: { schedule: ScheduleDefinition; state: InstigatorState; scheduledTime: number }[] = [];
  for (const schedule of definitions.schedules.values()) {
    const state = states.get(schedule.name);
    if (effectiveStatus(schedule.defaultStatus, state) !== "running") continue;
    if (state?.lastTickAt === undefined) {
      // First sight of a running schedule: it starts counting now rather than replaying its history.
      firstSeen.push({ ...state, name: schedule.name, kind: "schedule", lastTickAt: now, updatedAt: now });
      continue;
    }
    const times = scheduleTicksBetween(schedule, state.lastTickAt, now);
    if (times.length === 0) continue;
    const run = ticksToRun(schedule, schedulePartitions(schedule, definitions) !== undefined, times);
    if (run.length < times.length) context.log(`schedule ${schedule.name}: ${times.length - run.length} missed tick(s) not run (catch-up keeps ${run.length})`);
    for (const scheduledTime of run) due.push({ schedule, state, scheduledTime });
  }
  if (firstSeen.length) await instance.setInstigatorStates(firstSeen);
  const evaluated = await mapConcurrent(due, EVALUATION_CONCURRENCY, async ({ schedule, state, scheduledTime }): Promise<EvaluatedTick> => {
    const started = performance.now();
    const result = await withEvaluationResources(context, `schedule ${schedule.name}`, schedule.resources, (resources) =>
      evaluateScheduleTick(schedule, { scheduledTime, instance, definitions, resources, signal: context.signal }),
    );
    return {
      base: { instigator: schedule.name, kind: "schedule", timestamp: scheduledTime },
      result,
      durationMs: Math.round(performance.now() - started),
      nextState: () => ({ ...state, name: schedule.name, kind: "schedule", lastTickAt: scheduledTime, updatedAt: clock.now() }),
    };
  });
  return commitTicks(context, evaluated);
}
