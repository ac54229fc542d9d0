import { ErrorCode, OrchError } from "../errors.ts";
import { checkTarget, targetRef, type TargetScope } from "./targets.ts";
import type { AutomationTarget, ResolvedRunRequest, RunRequest } from "./types.ts";

export interface RequestDefaults {
  readonly target?: AutomationTarget;
  readonly tags: Readonly<Record<string, string>>;
  readonly config?: unknown;
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
  for (const [key, value] of Object.entries(r.tags ?? {})) {
    if (typeof value !== "string") throw new OrchError(ErrorCode.INVALID_RUN_REQUEST, `${where} whose tag "${key}" is not a string.`);
  }
  const target = r.target ?? defaults.target;
  if (target === undefined) {
    throw new OrchError(ErrorCode.INVALID_RUN_REQUEST, `${where} without a target, and ${owner.charAt(0).toLowerCase()}${owner.slice(1)} has no default target.`);
  }
  if (r.target !== undefined) checkTarget(`${where}`, r.target, scope);
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
