import { serializeError } from "../errors.ts";
import type { StepOutcome } from "../executor.ts";
import type { RunListener } from "../listener.ts";
import { makeStepLogger, type StepLogger } from "../logger.ts";
import type { RunRecord, RunStatus } from "../run-record.ts";
import type { RunEventBus } from "./event-bus.ts";

/** Reports listener failures once per listener, inside the run (before its end event). */
export async function reportListenerErrors(bus: RunEventBus, log: StepLogger, timeoutMs: number): Promise<void> {
  await bus.drainListeners(timeoutMs);
  const byListener = new Map<string, unknown[]>();
  for (const { listener, error } of bus.takeListenerErrors()) byListener.set(listener, [...(byListener.get(listener) ?? []), error]);
  for (const [listener, errors] of byListener) {
    log.warn(`Listener "${listener}" failed${errors.length > 1 ? ` ${errors.length} times` : ""}: ${messageOf(errors[0])}`);
  }
}

/** Decides how the run ended (canceled, failed steps or blocking checks, an error outside any step, or success) and emits it. */
export async function emitRunEnd(
  bus: RunEventBus,
  run: RunRecord,
  outcomes: readonly StepOutcome[],
  runError: unknown,
  signal: AbortSignal,
  durationMs: number,
): Promise<RunStatus> {
  const base = { runId: run.runId, timestamp: Date.now() };
  if (signal.aborted) {
    await bus.emit({ ...base, type: "RUN_CANCELED", durationMs, reason: abortReason(signal) });
    return "CANCELED";
  }
  const failed = outcomes.filter((o) => o.status === "failure").map((o) => o.stepKey);
  const blocked = outcomes.flatMap((o) => o.blockedAssets ?? []);
  if (runError === undefined && failed.length === 0 && blocked.length === 0) {
    await bus.emit({ ...base, type: "RUN_SUCCESS", durationMs });
    return "SUCCESS";
  }
  const reason =
    runError !== undefined
      ? `The run could not continue: ${messageOf(runError)}`
      : failed.length > 0
        ? `${failed.length} step${failed.length === 1 ? "" : "s"} failed: ${failed.join(", ")}`
        : `Blocking checks failed on ${blocked.join(", ")}`;
  await bus.emit({ ...base, type: "RUN_FAILURE", durationMs, reason, failedSteps: failed, ...(runError !== undefined ? { error: serializeError(runError) } : {}) });
  return "FAILURE";
}

/** Calls every listener's `onRunEnd` (bounded by `timeoutMs` each); failures become warnings. */
export async function notifyRunEnd(
  listeners: readonly RunListener[],
  run: RunRecord,
  log: StepLogger,
  resources: ReadonlyMap<string, Record<string, unknown>>,
  timeoutMs: number,
): Promise<void> {
  for (const listener of listeners) {
    if (!listener.onRunEnd) continue;
    const context = { log: makeStepLogger((level, message, metadata) => log[level](message, { ...metadata, listener: listener.name })), resources: resources.get(listener.name) ?? {} };
    try {
      await withTimeout(Promise.resolve(listener.onRunEnd(run, context)), timeoutMs);
    } catch (error) {
      log.warn(`Listener "${listener.name}" failed at run end: ${messageOf(error)}`);
    }
  }
}

function messageOf(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name !== "AbortError") return reason.message;
  return typeof reason === "string" ? reason : "The run was canceled.";
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
