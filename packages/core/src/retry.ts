import { z } from "zod";

export interface RetryPolicy {
  /** Attempts after the first; 0 disables retries. */
  readonly maxRetries: number;
  /** Delay before the first retry, in ms. Default 0. */
  readonly delayMs?: number;
  /** `exponential` doubles the delay each retry. Default `fixed`. */
  readonly backoff?: "fixed" | "exponential";
  /** Adds up to this fraction of the delay at random (0..1), or `true` for full jitter. */
  readonly jitter?: number | boolean;
  /** Upper bound on any one delay, in ms. */
  readonly maxDelayMs?: number;
}

export const retryPolicySchema = z.object({
  maxRetries: z.number().int().min(0),
  delayMs: z.number().min(0).optional(),
  backoff: z.enum(["fixed", "exponential"]).optional(),
  jitter: z.union([z.number().min(0).max(1), z.boolean()]).optional(),
  maxDelayMs: z.number().min(0).optional(),
});

/** Delay before retry number `retry` (1-based). `random` is injectable for tests. */
export function retryDelayMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const base = policy.delayMs ?? 0;
  let delay = policy.backoff === "exponential" ? base * 2 ** (retry - 1) : base;
  if (policy.maxDelayMs !== undefined) delay = Math.min(delay, policy.maxDelayMs);
  const jitter = policy.jitter === true ? 1 : policy.jitter === false || policy.jitter === undefined ? 0 : policy.jitter;
  if (jitter > 0) delay = delay * (1 - jitter) + delay * jitter * random() * 2;
  return Math.max(0, Math.round(delay));
}

/** Waits, resolving early (with `false`) if the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!signal?.aborted);
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
