import type { Definitions } from "../definitions.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import { didYouMean } from "../suggest.ts";
import { cronOf } from "./cron.ts";
import { checkTarget, targetTimePartitions } from "./targets.ts";
import type { ScheduleDefinition, SensorDefinition } from "./types.ts";
import { isScheduleDefinition } from "./schedule.ts";
import { isSensorDefinition } from "./sensor.ts";

export interface AutomationInput {
  readonly schedules?: readonly ScheduleDefinition[];
  readonly sensors?: readonly SensorDefinition[];
}

export interface Automation {
  readonly schedules: ReadonlyMap<string, ScheduleDefinition>;
  readonly sensors: ReadonlyMap<string, SensorDefinition>;
}

/**
 * Checks a project's schedules and sensors against its assets, jobs and resources, naming the culprit: one
 * namespace for both (ticks and cursors are kept by name), cron and timezone, targets that do not exist or match
 * nothing, unknown monitored jobs, watched assets and resources.
 */
export function validateAutomation(
  input: AutomationInput,
  scope: Pick<Definitions, "graph" | "jobs" | "resources">,
  /** Called for a resource key the definitions do not bind (the instance may); without it the key is refused here. */
  unboundResource?: (owner: string, key: string) => void,
): Automation {
  const schedules = new Map<string, ScheduleDefinition>();
  const sensors = new Map<string, SensorDefinition>();
  const claim = (kind: string, name: string) => {
    const other = schedules.has(name) ? "a schedule" : sensors.has(name) ? "a sensor" : undefined;
    if (other) throw new OrchError(ErrorCode.DUPLICATE_AUTOMATION_NAME, `${kind} "${name}" has the same name as ${other}; schedule and sensor names must be unique.`, { details: { name } });
  };
  const requireResources = (owner: string, keys: readonly string[]) => {
    for (const key of keys) {
      if (scope.resources.has(key)) continue;
      if (unboundResource) {
        unboundResource(owner, key);
        continue;
      }
      const provided = [...scope.resources.keys()];
      throw new OrchError(ErrorCode.MISSING_RESOURCE, `${owner} requires resource "${key}", which is not provided. Provided resources: ${provided.length ? provided.join(", ") : "(none)"}.${didYouMean(key, provided)}`, {
        details: { owner, resource: key },
      });
    }
  };

  (input.schedules ?? []).forEach((item, i) => {
    if (!isScheduleDefinition(item)) throw new OrchError(ErrorCode.INVALID_DEFINITION, `schedules[${i}] is not a schedule (use schedule()).`);
    const owner = `Schedule "${item.name}"`;
    claim("Schedule", item.name);
    cronOf(item); // timezone and cron, for hand-built definitions that skipped schedule()
    if (item.target !== undefined) targetTimePartitions(owner, item.target, scope);
    requireResources(owner, item.resources);
    schedules.set(item.name, item);
  });
  (input.sensors ?? []).forEach((item, i) => {
    if (!isSensorDefinition(item)) throw new OrchError(ErrorCode.INVALID_DEFINITION, `sensors[${i}] is not a sensor (use sensor(), assetSensor() or runStatusSensor()).`);
    const owner = `Sensor "${item.name}"`;
    claim("Sensor", item.name);
    if (item.target !== undefined) checkTarget(owner, item.target, scope);
    for (const key of item.assets ?? []) {
      if (!scope.graph.has(key)) {
        throw new OrchError(ErrorCode.UNKNOWN_ASSET, `${owner} watches asset "${key}", which is not defined.${didYouMean(key, scope.graph.keys())}`, { details: { owner, assetKey: key } });
      }
    }
    const monitored = item.runStatus?.monitored;
    if (monitored?.selection !== undefined) checkTarget(`${owner} (monitored)`, monitored.selection, scope);
    for (const job of monitored?.jobs ?? []) checkTarget(`${owner} (monitored)`, { job }, scope);
    requireResources(owner, item.resources);
    sensors.set(item.name, item);
  });
  return { schedules, sensors };
}
