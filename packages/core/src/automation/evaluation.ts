import { serializeError } from "../errors.ts";
import { makeStepLogger, type StepLogger } from "../logger.ts";
import { DEFAULT_SENSOR_TIMEOUT_MS, type TickLogLine, type TickResult } from "./types.ts";

/** The per-evaluation services: a logger whose lines are kept with the tick, and a signal that fires on timeout. */
export interface Evaluation {
  readonly log: StepLogger;
  readonly logs: TickLogLine[];
  readonly signal: AbortSignal;
  /** Runs `work` until it settles or the timeout fires (then the signal aborts and this rejects). */
  run<T>(work: () => T | Promise<T>): Promise<T>;
  failed(error: unknown, partial?: Partial<Pick<TickResult, "runRequests" | "cursor">>): TickResult;
}

export class EvaluationTimeout extends Error {
  constructor(owner: string, timeoutMs: number) {
    super(`${owner} did not finish its evaluation within ${timeoutMs} ms (the tick is failed and its cursor kept).`);
    this.name = "EvaluationTimeout";
  }
}

export function startEvaluation(owner: string, options: { readonly log?: StepLogger; readonly timeoutMs?: number; readonly signal?: AbortSignal }): Evaluation {
  const logs: TickLogLine[] = [];
  const log = makeStepLogger((level, message, metadata) => {
    logs.push({ level, message });
    options.log?.[level](message, metadata);
  });
  const controller = new AbortController();
  const timeoutMs = options.timeoutMs ?? DEFAULT_SENSOR_TIMEOUT_MS;
  return {
    log,
    logs,
    signal: controller.signal,
    async run<T>(work: () => T | Promise<T>): Promise<T> {
      let timer: NodeJS.Timeout | undefined;
      let onOuterAbort: (() => void) | undefined;
      const stopped = new Promise<never>((_, reject) => {
        const abort = (reason: unknown) => {
          controller.abort(reason);
          reject(reason);
        };
        timer = setTimeout(() => abort(new EvaluationTimeout(owner, timeoutMs)), timeoutMs);
        onOuterAbort = () => abort(options.signal!.reason);
        if (options.signal?.aborted) onOuterAbort();
        else options.signal?.addEventListener("abort", onOuterAbort, { once: true });
      });
      try {
        return await Promise.race([Promise.resolve().then(work), stopped]);
      } finally {
        clearTimeout(timer);
        // The daemon's signal lives for the whole process: one listener per evaluation would pile up.
        if (onOuterAbort) options.signal?.removeEventListener("abort", onOuterAbort);
      }
    },
    failed(error, partial = {}) {
      const serialized = serializeError(error);
      return {
        runRequests: partial.runRequests ?? [],
        ...(partial.cursor !== undefined ? { cursor: partial.cursor } : {}),
        error: {
          message: serialized.message,
          name: serialized.name,
          ...(serialized.stack ? { stack: serialized.stack } : {}),
          ...(error instanceof EvaluationTimeout ? { timedOut: true } : {}),
        },
        logs,
      };
    },
  };
}
