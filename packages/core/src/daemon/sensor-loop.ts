import { evaluateSensorTick } from "../automation/evaluate-sensor.ts";
import type { SensorDefinition } from "../automation/types.ts";
import type { InstigatorState, TickRecord } from "../automation-storage.ts";
import { effectiveStatus } from "./instigator-status.ts";
import { mapConcurrent } from "../map-concurrent.ts";
import { commitTicks, EVALUATION_CONCURRENCY, withEvaluationResources, type EvaluatedTick, type TickContext } from "./tick-context.ts";

/** One pass of the sensor loop: every running sensor whose minimum interval has passed evaluates once. */
export async function tickSensors(context: TickContext): Promise<TickRecord[]> {
  const { instance, clock, definitions } = context;
  const states = new Map((await instance.listInstigatorStates()).map((state) => [state.name, state]));
  const now = clock.now();
  const due: { sensor: SensorDefinition; state: InstigatorState | undefined }[] = [];
  for (const sensor of definitions.sensors.values()) {
    const state = states.get(sensor.name);
    if (effectiveStatus(sensor.defaultStatus, state) !== "running") continue;
    if (state?.lastTickAt !== undefined && now - state.lastTickAt < sensor.minimumIntervalSeconds * 1000) continue;
    due.push({ sensor, state });
  }
  const evaluated = await mapConcurrent(due, EVALUATION_CONCURRENCY, async ({ sensor, state }): Promise<EvaluatedTick> => {
    const started = performance.now();
    const result = await withEvaluationResources(context, `sensor ${sensor.name}`, sensor.resources, (resources) =>
      evaluateSensorTick(sensor, { cursor: state?.cursor, lastTickAt: state?.lastTickAt, now, instance, definitions, resources, signal: context.signal }),
    );
    return {
      base: { instigator: sensor.name, kind: "sensor", timestamp: now, ...(state?.cursor !== undefined ? { cursorBefore: state.cursor } : {}) },
      result,
      durationMs: Math.round(performance.now() - started),
      // The cursor the tick recorded: the new one once its runs were enqueued, the old one when it failed outright.
      nextState: (tick) => {
        const { cursor: _old, ...rest } = state ?? { name: sensor.name, kind: "sensor" as const, updatedAt: now };
        const cursor = tick.cursorAfter ?? state?.cursor;
        return { ...rest, name: sensor.name, kind: "sensor", lastTickAt: now, updatedAt: clock.now(), ...(cursor !== undefined ? { cursor } : {}) };
      },
    };
  });
  return commitTicks(context, evaluated);
}
