import {
  createIOManagers,
  createRunServices,
  currentProcess,
  resolveRunConfig,
  RunEventBus,
  runStep,
  SerializerRegistry,
  serializeError,
  type Definitions,
  type EventSink,
  type InstanceStorage,
  type IOManager,
  type IOManagerDefinition,
  type PlannedStep,
  type StepOutcome,
} from "@orch/core";

/** The graphile-worker task that runs one step of a run executed with `executor: { type: queue }`. */
export const STEP_TASK = "orch_step";
/** Where a worker leaves a step's outcome for the run's process (key/value state, one row per step). */
export const STEP_OUTCOMES = "orch/step-outcome";

export interface StepJob {
  readonly runId: string;
  readonly step: PlannedStep;
  readonly runConfig: unknown;
}

export const stepKeyOf = (runId: string, stepKey: string) => `${runId}/${stepKey}`;
/** Step heartbeats share the run heartbeat table under an id no run id can take. */
export const stepBeatId = (runId: string, stepKey: string) => `step:${runId}/${stepKey}`;

export interface StepWorkerOptions {
  readonly definitions: Definitions;
  readonly storage: InstanceStorage;
  readonly defaultIOManager?: IOManager | IOManagerDefinition;
  readonly baseDir?: string;
  readonly heartbeatMs?: number;
}

/**
 * Runs one distributed step on this worker through core's step runner, the one step boundary: its events go to
 * the shared event log (secrets masked by the run's event bus), its outputs through IO managers every host
 * reaches, its resources set up and torn down around the step. Leaves the outcome for the run's process.
 */
export async function runDistributedStep(job: StepJob, options: StepWorkerOptions): Promise<StepOutcome> {
  const { definitions, storage } = options;
  const run = await storage.getRun(job.runId);
  const beat = storage.startHeartbeat(stepBeatId(job.runId, job.step.key), options.heartbeatMs ?? 5_000);
  const controller = new AbortController();
  // The run's process asks for cancellation through the run record, which every host sees.
  const watcher = setInterval(() => {
    void storage.getRun(job.runId).then((r) => r?.status === "CANCELING" && controller.abort(new Error(`Run ${job.runId} was canceled.`)), () => undefined);
  }, 1_000);
  watcher.unref();
  let outcome: StepOutcome;
  try {
    if (run === undefined) throw new Error(`Run "${job.runId}" does not exist in this instance.`);
    const config = resolveRunConfig(definitions, [job.step], job.runConfig);
    const serializers = new SerializerRegistry();
    for (const s of definitions.plugins.serializers) serializers.register(s);
    const ioManagers = await createIOManagers(definitions, { ...(options.baseDir ? { baseDir: options.baseDir } : {}), ...(options.defaultIOManager ? { defaultIOManager: options.defaultIOManager } : {}) }, serializers);
    // No loggers here: the run's process relays these events to its own (see RemoteStepEvents). Every event is
    // the step's, so the run's process tells them from its own: resources set up here log under the step's key.
    const bus = new RunEventBus(storage, [], [], config.secrets);
    const events: EventSink = { emit: (event) => bus.emit(event.stepKey === undefined ? { ...event, stepKey: job.step.key } : event) };
    const services = createRunServices({ definitions, run, events, ioManagers, config, signal: controller.signal, worker: currentProcess() });
    try {
      outcome = await runStep(services, job.step);
    } finally {
      await services.resources.teardown();
      for (const { manager } of ioManagers.values()) await manager.teardown?.();
      // Every event of the step (teardown logs too) is stored before its outcome, which ends the relay of its events.
      if (services.pending.size) await Promise.all(services.pending);
      await bus.settle();
    }
  } catch (error) {
    // The step runner reports step failures itself; this is a failure around it (the run is gone, bad config).
    await storage
      .appendEvents([{ runId: job.runId, timestamp: Date.now(), stepKey: job.step.key, type: "STEP_FAILURE", durationMs: 0, attempt: 1, error: serializeError(error) }])
      .catch(() => undefined);
    outcome = { stepKey: job.step.key, status: "failure", producedOutputs: [] };
  } finally {
    clearInterval(watcher);
  }
  try {
    await storage.setState(STEP_OUTCOMES, stepKeyOf(job.runId, job.step.key), JSON.stringify(outcome));
  } finally {
    // Stopped even when the outcome could not be left: the run's process then sees the step go silent.
    await beat.stop();
  }
  return outcome;
}
