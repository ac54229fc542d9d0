import { evaluateSensorTick } from "../automation/evaluate-sensor.ts";
import type { SensorDefinition } from "../automation/types.ts";
import type { TickRecord } from "../automation-storage.ts";
import { effectiveStatus } from "./instigator-status.ts";
import { applyTickResult, withEvaluationResources, type TickContext } from "./tick-context.ts";

/** One pass of the sensor loop: every running sensor whose minimum interval has passed evaluates once. */
export async function tickSensors(context: TickContext): Promise<TickRecord[]> {
  const ticks: TickRecord[] = [];
  for (const sensor of context.definitions.sensors.values()) {
    if (context.signal.aborted) break;
    const tick = await tickSensor(context, sensor);
    if (tick) ticks.push(tick);
  }
  return ticks;
}

async function tickSensor(context: TickContext, sensor: SensorDefinition): Promise<TickRecord | undefined> {
  const { instance, clock } = context;
  const state = await instance.getInstigatorState(sensor.name);
  if (effectiveStatus(sensor.defaultStatus, state) !== "running") return undefined;
  const now = clock.now();
  if (state?.lastTickAt !== undefined && now - state.lastTickAt < sensor.minimumIntervalSeconds * 1000) return undefined;
  const startedAt = performance.now();
  const result = await withEvaluationResources(context, `sensor ${sensor.name}`, sensor.resources, (resources) =>
    evaluateSensorTick(sensor, {
      cursor: state?.cursor,
      lastTickAt: state?.lastTickAt,
      now,
      instance,
      definitions: context.definitions,
      resources,
      signal: context.signal,
    }),
  );
  const tick = await applyTickResult(
    context,
    { instigator: sensor.name, kind: "sensor", timestamp: now, ...(state?.cursor !== undefined ? { cursorBefore: state.cursor } : {}) },
    result,
    startedAt,
  );
  // A failed tick keeps the cursor; a good one commits the new cursor after its runs were enqueued.
  const latest = await instance.getInstigatorState(sensor.name);
  const cursor = tick.status === "failure" ? latest?.cursor : (result.cursor ?? latest?.cursor);
  const { cursor: _old, ...rest } = latest ?? { name: sensor.name, kind: "sensor" as const, updatedAt: now };
  await instance.setInstigatorState({ ...rest, name: sensor.name, kind: "sensor", lastTickAt: now, updatedAt: clock.now(), ...(cursor !== undefined ? { cursor } : {}) });
  return tick;
}
