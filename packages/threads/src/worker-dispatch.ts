import { resolve } from "node:path";
import {
  OrchError,
  resolveRunConfig,
  runLogger,
  serializeError,
  type ExecutorContext,
  type PlannedStep,
  type SerializedError,
  type StepOutcome,
} from "@orch/core";
import type { CodecSet } from "./codec.ts";
import type { ThreadsExecutorConfig } from "./options.ts";
import type { StepPool } from "./pool.ts";
import type { TaskBase } from "./protocol.ts";
import { StepChannel, type ChannelHost } from "./step-channel.ts";
import { describeWorkerFailure } from "./worker-failure.ts";

/** Sends one run's steps to the pool and turns what comes back (or a dead worker) into step outcomes. */
export class WorkerDispatch {
  readonly host: ChannelHost;
  readonly #context: ExecutorContext;
  readonly #pool: StepPool;
  readonly #config: ThreadsExecutorConfig;
  readonly #base: Omit<TaskBase, "port">;

  constructor(context: ExecutorContext, pool: StepPool, config: ThreadsExecutorConfig, codecs: CodecSet, definitionsModule: string) {
    this.#context = context;
    this.#pool = pool;
    this.#config = config;
    this.#base = {
      module: resolve(definitionsModule),
      runConfig: context.runConfig,
      run: context.run,
      baseDir: config.baseDir,
      codecs: config.codecs,
      ...(context.definitions.instance ? { instance: context.definitions.instance } : {}),
    };
    // The run config was validated before the run started; here it only supplies the secrets to mask.
    const resolved = resolveRunConfig(context.definitions, context.plan.steps, context.runConfig);
    const pending = new Set<Promise<void>>();
    this.host = {
      events: context.events,
      codecs,
      ioManager: (key) => context.ioManager(key),
      logger: (stepKey) => runLogger({ run: context.run, events: context.events, config: resolved, pending }, stepKey),
    };
  }

  /** Loads the definitions in one worker before any step runs, so a bad module fails the run up front. */
  async init(): Promise<void> {
    const channel = new StepChannel(this.host);
    try {
      const result = await this.#pool.run({ ...this.#base, kind: "init", port: channel.port }, { transferList: [channel.port] });
      if (!result.ok) throw fromSerialized(result.error);
    } catch (error) {
      if ((error as OrchError)?.name === "OrchError") throw error;
      throw new OrchError("DEFINITIONS_LOAD_FAILED", `A worker thread died while loading definitions module "${this.#base.module}": ${(error as Error)?.message ?? String(error)}`, {
        pkg: "threads",
        cause: error,
      });
    } finally {
      await channel.settled();
      channel.close();
    }
  }

  async runStep(step: PlannedStep): Promise<StepOutcome> {
    const context = this.#context;
    const channel = new StepChannel(this.host);
    const terminate = new AbortController();
    let graceTimer: NodeJS.Timeout | undefined;
    // Cooperative first: the step's own signal aborts in the worker; the worker is terminated only after the grace period.
    const onCancel = () => {
      channel.abort(cancelReason(context.signal));
      graceTimer = setTimeout(() => terminate.abort(), this.#config.cancelGraceMs);
    };
    if (context.signal.aborted) onCancel();
    else context.signal.addEventListener("abort", onCancel, { once: true });
    const started = performance.now();
    try {
      const result = await this.#pool.run({ ...this.#base, kind: "step", step, port: channel.port }, { transferList: [channel.port], signal: terminate.signal });
      await channel.settled();
      if (result.ok && result.outcome) return result.outcome;
      return await this.#fail(step, channel, result.ok ? serializeError(new Error("the worker returned no outcome")) : result.error, started);
    } catch (error) {
      await channel.settled();
      // The worker died after the step had already reported its end: that report stands.
      if (channel.terminal === "success") return { stepKey: step.key, status: "success", producedOutputs: channel.handledOutputs };
      if (channel.terminal === "failure") return { stepKey: step.key, status: "failure", producedOutputs: [] };
      return await this.#fail(step, channel, serializeError(describeWorkerFailure(step, error, this.#config)), started);
    } finally {
      clearTimeout(graceTimer);
      context.signal.removeEventListener("abort", onCancel);
      channel.close();
    }
  }

  async #fail(step: PlannedStep, channel: StepChannel, error: SerializedError, started: number): Promise<StepOutcome> {
    await this.#context.events.emit({
      runId: this.#context.run.runId,
      timestamp: Date.now(),
      type: "STEP_FAILURE",
      stepKey: step.key,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      attempt: Math.max(1, channel.lastAttempt),
      error,
    });
    return { stepKey: step.key, status: "failure", producedOutputs: [] };
  }
}

function fromSerialized(error: SerializedError): OrchError {
  const out = new OrchError(error.code ?? "WORKER_TASK_FAILED", error.message);
  // Keep the worker's message as written (it already carries its `[orch] [pkg]` prefix).
  out.message = error.message;
  if (error.stack) out.stack = error.stack;
  return out;
}

function cancelReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name !== "AbortError") return reason.message;
  return typeof reason === "string" ? reason : "The run was canceled.";
}
