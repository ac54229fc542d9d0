export interface BoundedFetchOptions {
  /** Per attempt; the request is aborted after this long. */
  readonly timeoutMs: number;
  /** Attempts after the first, on 429, 5xx or a network error. */
  readonly retries: number;
  /** Longest wait between attempts, even when a 429 asks for more (the run must not stall). */
  readonly maxDelayMs: number;
  readonly fetch?: typeof fetch;
}

/**
 * The fetch the Datadog client sends through: bounded attempts, a timeout on each, and 429 waits taken from
 * `x-ratelimit-reset` / `retry-after` (seconds) but capped. The client's own retry (2 s base, uncapped waits) is
 * turned off in favour of this.
 */
export function boundedFetch(options: BoundedFetchOptions): typeof fetch {
  const send = options.fetch ?? globalThis.fetch;
  return async (input, init) => {
    for (let attempt = 0; ; attempt++) {
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
      try {
        const response = await send(input, { ...init, signal });
        if (!retryable(response.status) || attempt >= options.retries) return response;
        await response.arrayBuffer().catch(() => undefined);
        await sleep(Math.min(retryDelayMs(response, attempt), options.maxDelayMs));
      } catch (error) {
        if (attempt >= options.retries || init?.signal?.aborted) throw timeout.aborted ? new Error(`no answer within ${options.timeoutMs} ms`, { cause: error }) : error;
        await sleep(Math.min(backoffMs(attempt), options.maxDelayMs));
      }
    }
  };
}

function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

function retryDelayMs(response: Response, attempt: number): number {
  const header = response.headers.get("x-ratelimit-reset") ?? response.headers.get("retry-after");
  const seconds = header === null ? Number.NaN : Number.parseFloat(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : backoffMs(attempt);
}

function backoffMs(attempt: number): number {
  return 200 * 2 ** attempt;
}

/** Unref'd, so a wait cut short by a flush deadline never keeps the process alive. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
