import type { Definitions } from "./definitions.ts";
import type { EventSink, OrchEvent } from "./events.ts";
import type { IOManager } from "./io-manager.ts";
import type { ExecutionPlan, PlannedStep } from "./plan.ts";
import type { RunRecord } from "./run-record.ts";

export interface StepOutcome {
  readonly stepKey: string;
  readonly status: "success" | "failure" | "skipped" | "canceled";
  /** Outputs the step produced (optional outputs may be missing). */
  readonly producedOutputs: readonly string[];
  /** Asset keys (`a/b`) whose blocking checks failed: their downstream steps are skipped. */
  readonly blockedAssets?: readonly string[];
}

export interface ExecutorContext {
  readonly plan: ExecutionPlan;
  readonly run: RunRecord;
  /** Aborted when the run is canceled. */
  readonly signal: AbortSignal;
  readonly events: EventSink;
  /**
   * Hands the run's loggers and listeners an event another process already stored for this run (a step run on
   * another host), so they see every event of the run once; it is not stored again.
   */
  relay(event: OrchEvent): void;
  /** Runs one step on this thread through the shared step runner (the one step boundary). */
  runStepInProcess(step: PlannedStep): Promise<StepOutcome>;
  /** The module the definitions were loaded from, for executors that load them in other threads or processes. */
  readonly definitionsModule?: string;
  /** The run config as given (with `{ env }` references unresolved). */
  readonly runConfig: unknown;
  readonly definitions: Definitions;
  /** The run's IO managers by key, e.g. for a worker to proxy the in-memory `io` manager to the main thread. */
  ioManager(key: string): IOManager;
}

/**
 * Decides where and in what order steps run. Executors use `scheduleSteps` for ordering, skipping and
 * concurrency, and either `runStepInProcess` or a worker that runs the same step runner.
 */
export interface Executor {
  readonly name: string;
  execute(context: ExecutorContext): Promise<StepOutcome[]>;
  teardown?(): void | Promise<void>;
}
