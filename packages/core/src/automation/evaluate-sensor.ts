import { startEvaluation } from "./evaluation.ts";
import { readOnlyInstance } from "./instance-reader.ts";
import { AUTOMATION_TAGS } from "./names.ts";
import { checkDynamicPartitions, resolveRunRequest } from "./run-requests.ts";
import { isSkipReason } from "./skip.ts";
import type { EvaluateSensorTickOptions, RunRequest, SensorDefinition, SensorResult, TickResult } from "./types.ts";

/**
 * Evaluates one sensor tick. Never rejects: a throw, a timeout (default 60 s) or an invalid return value is a
 * TickResult with `error` and no cursor, so the previous cursor is kept. Returning nothing is a skipped tick.
 */
export async function evaluateSensorTick(sensor: SensorDefinition, options: EvaluateSensorTickOptions): Promise<TickResult> {
  const owner = `Sensor "${sensor.name}"`;
  const evaluation = startEvaluation(owner, options);
  const defaults = {
    ...(sensor.target !== undefined ? { target: sensor.target } : {}),
    tags: { ...sensor.tags, [AUTOMATION_TAGS.sensor]: sensor.name },
  };
  try {
    const returned = await evaluation.run(() =>
      sensor.evaluate({
        sensorName: sensor.name,
        cursor: options.cursor,
        lastTickAt: options.lastTickAt,
        now: options.now,
        instance: readOnlyInstance(options.instance),
        definitions: options.definitions,
        resources: options.resources ?? {},
        log: evaluation.log,
        signal: evaluation.signal,
      }),
    );
    const result: SensorResult = returned === undefined ? {} : isSkipReason(returned) ? { skipReason: returned } : Array.isArray(returned) ? { runRequests: returned as readonly RunRequest[] } : (returned as SensorResult);
    const partialError = result.error;
    checkDynamicPartitions(owner, result.dynamicPartitions);
    const runRequests = (result.runRequests ?? []).map((request, i) => resolveRunRequest(owner, request, i, defaults, options.definitions));
    const skipReason = isSkipReason(result.skipReason) ? result.skipReason.message : result.skipReason;
    const tick: TickResult = {
      runRequests,
      ...(result.cursor !== undefined ? { cursor: String(result.cursor) } : {}),
      ...(result.dynamicPartitions ? { dynamicPartitions: result.dynamicPartitions } : {}),
      ...(skipReason !== undefined ? { skipReason } : runRequests.length === 0 && partialError === undefined ? { skipReason: "the sensor requested no runs" } : {}),
      logs: evaluation.logs,
    };
    if (partialError !== undefined) return { ...evaluation.failed(partialError, tick), ...(tick.dynamicPartitions ? { dynamicPartitions: tick.dynamicPartitions } : {}) };
    return tick;
  } catch (error) {
    return evaluation.failed(error);
  }
}
