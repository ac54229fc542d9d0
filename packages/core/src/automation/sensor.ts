import { ErrorCode, OrchError } from "../errors.ts";
import { checkRunRetryTags } from "../queue/run-retries.ts";
import { checkAutomationName, checkStatus } from "./names.ts";
import type { AutomationStatus, AutomationTarget, SensorDefinition, SensorFunction } from "./types.ts";

export interface SensorOptions {
  readonly name: string;
  /** Default target of the run requests that name none. */
  readonly target?: AutomationTarget;
  /** Least time between two evaluations (default 30 s). */
  readonly minimumIntervalSeconds?: number;
  readonly defaultStatus?: AutomationStatus;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly resources?: readonly string[];
  /**
   * Returns run requests (each with an optional `runKey`: at most one run per key, ever), a new cursor, a skip, and
   * dynamic partitions to add or delete. A throw or a timeout fails the tick and keeps the cursor.
   */
  readonly evaluate: SensorFunction;
}

/** The fields every sensor kind shares, checked once. */
export function sensorBase(factory: string, options: Omit<SensorOptions, "evaluate">): Omit<SensorDefinition, "sensorKind" | "evaluate"> {
  const name = checkAutomationName(factory, options.name);
  const owner = `Sensor "${name}"`;
  const interval = options.minimumIntervalSeconds ?? 30;
  if (typeof interval !== "number" || !(interval > 0) || !Number.isFinite(interval)) {
    throw new OrchError(ErrorCode.INVALID_DEFINITION, `${owner}: minimumIntervalSeconds must be a positive number, got ${JSON.stringify(options.minimumIntervalSeconds)}.`);
  }
  checkRunRetryTags(options.tags, owner);
  return {
    kind: "orch.sensor",
    name,
    ...(options.description !== undefined ? { description: options.description } : {}),
    defaultStatus: checkStatus(owner, options.defaultStatus ?? "stopped"),
    minimumIntervalSeconds: interval,
    ...(options.target !== undefined ? { target: options.target } : {}),
    tags: { ...options.tags },
    resources: [...(options.resources ?? [])],
  };
}

/** A sensor: a function the daemon evaluates every `minimumIntervalSeconds` with its last cursor. */
export function sensor(options: SensorOptions): SensorDefinition {
  const base = sensorBase("sensor", options);
  if (typeof options.evaluate !== "function") throw new OrchError(ErrorCode.INVALID_DEFINITION, `Sensor "${base.name}" needs an evaluate function.`);
  return Object.freeze({ ...base, sensorKind: "plain", evaluate: options.evaluate });
}

export function isSensorDefinition(value: unknown): value is SensorDefinition {
  return typeof value === "object" && value !== null && (value as SensorDefinition).kind === "orch.sensor";
}
