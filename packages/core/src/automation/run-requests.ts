import type { JobDefinition } from "../definitions.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import { checkRunRetryTags } from "../queue/run-retries.ts";
import { checkTarget, targetRef, type TargetScope } from "./targets.ts";
import type { AutomationTarget, ResolvedRunRequest, RunRequest } from "./types.ts";

const checkedTargets = new WeakMap<TargetScope, Set<string>>();

/** A sensor returning a thousand requests for one target resolves that selection once per definitions. */
function checkRequestTarget(where: string, target: NonNullable<RunRequest["target"]>, scope: TargetScope): void {
  const ref = targetRef(target);
  const id = "job" in ref ? `job:${ref.job}` : `selection:${ref.selection}`;
  let checked = checkedTargets.get(scope);
  if (!checked) checkedTargets.set(scope, (checked = new Set()));
  if (checked.has(id)) return;
  checkTarget(where, target, scope);
  checked.add(id);
}

function isJobTarget(target: object): boolean {
  return (target as JobDefinition).kind === "orch.job" || typeof (target as { job?: unknown }).job === "string";
}

export interface RequestDefaults {
  readonly target?: AutomationTarget;
  readonly tags: Readonly<Record<string, string>>;
  readonly config?: unknown;
}

/** Dynamic partitions to add or delete must be `{ partitionsName: ["key", ...] }`. */
export function checkDynamicPartitions(owner: string, value: unknown): void {
  if (value === undefined) return;
  const fail = (what: string) => {
    throw new OrchError(ErrorCode.INVALID_RUN_REQUEST, `${owner} returned dynamicPartitions${what}; expected { add?: { <partitions name>: ["key", ...] }, delete?: { ... } }.`);
  };
  if (typeof value !== "object" || value === null) fail(` that is not an object`);
  for (const [field, byName] of Object.entries(value as Record<string, unknown>)) {
    if (field !== "add" && field !== "delete") fail(` with an unknown field "${field}"`);
    if (typeof byName !== "object" || byName === null || Array.isArray(byName)) fail(`.${field} that is not an object of partitions names`);
    for (const [name, keys] of Object.entries(byName as Record<string, unknown>)) {
      if (!Array.isArray(keys) || keys.some((key) => typeof key !== "string")) fail(`.${field}.${name} that is not a list of strings`);
    }
  }
}

/**
 * Checks one run request a user's function returned and fills it from its owner: target, tags (the request's
 * win), config. A request whose target does not exist fails the tick rather than a run later.
 */
export function resolveRunRequest(owner: string, request: unknown, index: number, defaults: RequestDefaults, scope: TargetScope): ResolvedRunRequest {
  const where = `${owner} returned a run request (runRequests[${index}])`;
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    throw new OrchError(ErrorCode.INVALID_RUN_REQUEST, `${where} that is not an object: ${JSON.stringify(request)}.`);
  }
  const r = request as RunRequest;
  for (const field of ["runKey", "partitionKey"] as const) {
    if (r[field] !== undefined && typeof r[field] !== "string") throw new OrchError(ErrorCode.INVALID_RUN_REQUEST, `${where} whose ${field} is not a string.`);
  }
  if (r.partitionKey !== undefined && r.partitionRange !== undefined) {
    throw new OrchError(ErrorCode.INVALID_RUN_REQUEST, `${where} with both partitionKey and partitionRange; give one.`);
  }
  if (r.target !== undefined && typeof r.target !== "string" && !isJobTarget(r.target)) {
    throw new OrchError(ErrorCode.INVALID_RUN_REQUEST, `${where} whose target is neither a selection string, a job nor { job: "name" }.`);
  }
  for (const [key, value] of Object.entries(r.tags ?? {})) {
    if (typeof value !== "string") throw new OrchError(ErrorCode.INVALID_RUN_REQUEST, `${where} whose tag "${key}" is not a string.`);
  }
  checkRunRetryTags(r.tags, where);
  const target = r.target ?? defaults.target;
  if (target === undefined) {
    throw new OrchError(ErrorCode.INVALID_RUN_REQUEST, `${where} without a target, and ${owner.charAt(0).toLowerCase()}${owner.slice(1)} has no default target.`);
  }
  if (r.target !== undefined) checkRequestTarget(where, r.target, scope);
  const config = r.config ?? defaults.config;
  return {
    ...(r.runKey !== undefined ? { runKey: r.runKey } : {}),
    target: targetRef(target),
    ...(r.partitionKey !== undefined ? { partitionKey: r.partitionKey } : {}),
    ...(r.partitionRange !== undefined ? { partitionRange: r.partitionRange } : {}),
    tags: { ...defaults.tags, ...r.tags },
    ...(config !== undefined ? { config } : {}),
  };
}
