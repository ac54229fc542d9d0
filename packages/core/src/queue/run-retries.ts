import { ErrorCode, OrchError } from "../errors.ts";

export const RUN_RETRY_STRATEGIES = ["from_failure", "all_steps"] as const;
export type RunRetryStrategy = (typeof RUN_RETRY_STRATEGIES)[number];

/** How the daemon retries a failed run: orch.yaml's `runs.retries`, overridden per run by its tags. */
export interface RunRetryPolicy {
  /** How many times a failed run is retried; 0 never. */
  readonly maxRetries: number;
  /** `from_failure`: the retry runs only the steps that did not succeed; `all_steps`: every step again. */
  readonly strategy: RunRetryStrategy;
  /** false: a run whose step failed is not retried, only a run whose worker died (crashed). */
  readonly retryOnStepFailure: boolean;
}

export const DEFAULT_RUN_RETRY_POLICY: RunRetryPolicy = { maxRetries: 0, strategy: "from_failure", retryOnStepFailure: true };

/** The run tags of run retries (Dagster's `dagster/max_retries`, `dagster/retry_strategy`, ...). */
export const RETRY_TAGS = {
  maxRetries: "orch/max_retries",
  strategy: "orch/retry_strategy",
  retryOnStepFailure: "orch/retry_on_step_failure",
  /** Set by the daemon on a retry: 1 for the first retry of a run, 2 for the retry of that retry, ... */
  retryNumber: "orch/retry_number",
} as const;

const WHOLE_NUMBER = /^(0|[1-9][0-9]*)$/;

type TagRead = { ok: true; policy: Partial<RunRetryPolicy>; retryNumber: number } | { ok: false; problem: string };

function readTags(tags: Readonly<Record<string, string>>): TagRead {
  const policy: { -readonly [K in keyof RunRetryPolicy]?: RunRetryPolicy[K] } = {};
  const max = tags[RETRY_TAGS.maxRetries];
  if (max !== undefined) {
    if (!WHOLE_NUMBER.test(max)) return { ok: false, problem: `tag "${RETRY_TAGS.maxRetries}" must be a whole number of retries (0, 1, 2, ...), got "${max}"` };
    policy.maxRetries = Number(max);
  }
  const strategy = tags[RETRY_TAGS.strategy];
  if (strategy !== undefined) {
    const lower = strategy.toLowerCase();
    if (!(RUN_RETRY_STRATEGIES as readonly string[]).includes(lower)) {
      return { ok: false, problem: `tag "${RETRY_TAGS.strategy}" must be ${RUN_RETRY_STRATEGIES.join(" or ")} (any case), got "${strategy}"` };
    }
    policy.strategy = lower as RunRetryStrategy;
  }
  const onStep = tags[RETRY_TAGS.retryOnStepFailure];
  if (onStep !== undefined) {
    if (onStep !== "true" && onStep !== "false") return { ok: false, problem: `tag "${RETRY_TAGS.retryOnStepFailure}" must be "true" or "false", got "${onStep}"` };
    policy.retryOnStepFailure = onStep === "true";
  }
  const number = tags[RETRY_TAGS.retryNumber];
  if (number !== undefined && !WHOLE_NUMBER.test(number)) {
    return { ok: false, problem: `tag "${RETRY_TAGS.retryNumber}" must be a whole number, got "${number}" (the daemon sets it on retries)` };
  }
  return { ok: true, policy, retryNumber: number === undefined ? 0 : Number(number) };
}

/**
 * Refuses run tags whose retry settings orch cannot read, naming the tag, the value and what is expected. `where`
 * names the owner (`Job "daily"`, `Schedule "hourly"`, `the run`). Called where tags are set: jobs, schedules,
 * sensors, run requests and launches.
 */
export function checkRunRetryTags(tags: Readonly<Record<string, string>> | undefined, where: string): void {
  if (tags === undefined) return;
  const read = readTags(tags);
  if (!read.ok) throw new OrchError(ErrorCode.INVALID_RUN_TAG, `${where}: ${read.problem}.`, { details: { tags } });
}

/** A run's retry policy (its tags over the instance's) and which retry of its root run it is (0: not a retry). */
export function runRetryPolicy(
  tags: Readonly<Record<string, string>>,
  instance: RunRetryPolicy = DEFAULT_RUN_RETRY_POLICY,
): { readonly policy: RunRetryPolicy; readonly retryNumber: number } {
  const read = readTags(tags);
  if (!read.ok) throw new OrchError(ErrorCode.INVALID_RUN_TAG, `The run's ${read.problem}.`, { details: { tags } });
  return { policy: { ...instance, ...read.policy }, retryNumber: read.retryNumber };
}
