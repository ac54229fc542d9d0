import { randomUUID } from "node:crypto";
import type { AssetKeyInput } from "../asset-key.ts";
import { DEFAULT_IO_MANAGER_KEY } from "../asset.ts";
import { assertBound, isIOManagerDefinition, type Definitions, type IOManagerDefinition } from "../definitions.ts";
import type { Executor, StepOutcome } from "../executor.ts";
import type { IOManager } from "../io-manager.ts";
import type { RunListener } from "../listener.ts";
import { makeStepLogger, type Logger } from "../logger.ts";
import type { ExecutionPlan } from "../plan.ts";
import type { PartitionRange, RunRecord, RunStatus } from "../run-record.ts";
import { currentProcess } from "../process-identity.ts";
import { SerializerRegistry } from "../serializer.ts";
import type { InstanceStorage } from "../storage.ts";
import { memoryIOManager } from "../io/memory-io-manager.ts";
import { memoryStorage } from "../storage/index.ts";
import { RunEventBus } from "./event-bus.ts";
import { inProcessExecutor } from "./in-process-executor.ts";
import { resolveRunConfig, type RunConfig } from "./run-config.ts";
import { createRunServices, runLogger } from "./run-services.ts";
import { runStep } from "./step-runner.ts";
import { planRun } from "./plan-run.ts";
import { checkRunRetryTags } from "../queue/run-retries.ts";
import { emitRunEnd, notifyRunEnd, reportListenerErrors } from "./run-end.ts";

export interface MaterializeOptions {
  /** A selection string (`+daily_revenue`, `group:sales`) or a list of asset keys. Default: every asset orch materializes. */
  selection?: string | readonly AssetKeyInput[];
  partitionKey?: string;
  partitionRange?: PartitionRange;
  runConfig?: RunConfig | unknown;
  /** Where runs and events are kept. Default: a fresh in-memory instance. */
  instance?: InstanceStorage;
  executor?: Executor;
  /** The `io` IO manager when the definitions do not define one. Default: in memory. */
  defaultIOManager?: IOManager | IOManagerDefinition;
  signal?: AbortSignal;
  tags?: Record<string, string>;
  runId?: string;
  jobName?: string;
  loggers?: readonly Logger[];
  listeners?: readonly RunListener[];
  /** The module the definitions came from (executors that run steps in workers load it). */
  definitionsModule?: string;
  /** Project dir for relative paths (filesystem IO manager). Default: cwd. */
  baseDir?: string;
  /** Re-execution: the run this one repeats, and only these step keys. */
  parentRunId?: string;
  rootRunId?: string;
  stepKeys?: readonly string[];
  /** How often the run writes its heartbeat (crash detection). Default 5,000 ms. */
  heartbeatMs?: number;
  /** Upper bound on waiting for listeners at run end. Default 30,000 ms. */
  listenerTimeoutMs?: number;
  /** Asset checks of the selected assets: `include` (default), `exclude`, or `only` the checks. */
  checks?: "include" | "exclude" | "only";
  /** A ready plan (advanced: `observe()` and `runJob()` build their own). Skips selection and planning. */
  plan?: ExecutionPlan;
  /**
   * The run queue already created the run record `runId` and moved it to STARTED (`executeQueuedRun`): record
   * the start time instead of creating it.
   */
  queued?: boolean;
}

export interface RunResult {
  readonly runId: string;
  readonly status: RunStatus;
  readonly success: boolean;
  readonly run: RunRecord;
  readonly plan: ExecutionPlan;
  readonly stepOutcomes: readonly StepOutcome[];
  readonly instance: InstanceStorage;
}

/**
 * Materializes a selection of assets as one run. Everything that can be refused (resource and IO manager keys bound
 * nowhere, selection, plan, run config, resource config, environment variables) is checked before the run is created; after that every outcome is
 * recorded as events and the run ends SUCCESS, FAILURE or CANCELED. Resources are torn down even on failure.
 */
export async function materialize(definitions: Definitions, options: MaterializeOptions = {}): Promise<RunResult> {
  assertBound(definitions);
  const instance = options.instance ?? memoryStorage();
  checkRunRetryTags(options.tags, "The run");
  const plan = await planRun(definitions, instance, options);
  const config = resolveRunConfig(definitions, plan.steps, options.runConfig);
  const serializers = new SerializerRegistry();
  for (const s of definitions.plugins.serializers) serializers.register(s);
  const ioManagers = await createIOManagers(definitions, options, serializers);

  const runId = options.runId ?? randomUUID();
  const now = Date.now();
  const run: RunRecord = {
    runId,
    status: "STARTED",
    ...(options.jobName !== undefined ? { jobName: options.jobName } : {}),
    ...(typeof options.selection === "string" ? { selection: options.selection } : {}),
    assetKeys: plan.assetKeys,
    stepKeys: plan.steps.map((s) => s.key),
    ...(options.partitionKey !== undefined ? { partitionKey: options.partitionKey } : {}),
    ...(options.partitionRange !== undefined ? { partitionRange: options.partitionRange } : {}),
    tags: options.tags ?? {},
    runConfig: options.runConfig ?? {},
    ...(options.parentRunId !== undefined ? { parentRunId: options.parentRunId, rootRunId: options.rootRunId ?? options.parentRunId } : {}),
    createdAt: now,
    startedAt: now,
    worker: currentProcess(),
  };
  // A queued run's record came from the queue: it records this process too (for a worker, its claim already did).
  if (options.queued) await instance.updateRun(runId, { startedAt: now, worker: currentProcess() });
  else await instance.createRun(run);

  const listeners = [...definitions.listeners, ...(options.listeners ?? [])];
  const bus = new RunEventBus(instance, [...definitions.loggers, ...(options.loggers ?? [])], listeners, config.secrets);
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) controller.abort(options.signal.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  // Another process ended this run (it took the worker for dead): stop at once, write nothing more.
  bus.onFenced((error) => controller.abort(error));

  const services = createRunServices({ definitions, run, events: bus, ioManagers, config, signal: controller.signal });
  const log = runLogger(services);
  bus.setListenerContext((listener) => ({
    log: makeStepLogger((level, message, metadata) => runLogger(services)[level](message, { ...metadata, listener: listener.name })),
    resources: listenerResources.get(listener.name) ?? {},
  }));
  const listenerResources = new Map<string, Record<string, unknown>>();

  const started = performance.now();
  await instance.setHeartbeat(runId, Date.now());
  const heartbeat = instance.startHeartbeat(runId, options.heartbeatMs ?? 5000);
  let outcomes: StepOutcome[] = [];
  let runError: unknown;
  try {
    for (const listener of listeners) {
      if (listener.resources?.length) listenerResources.set(listener.name, await services.resources.get(listener.resources));
    }
    await bus.emit({ runId, timestamp: Date.now(), type: "RUN_START", stepKeys: run.stepKeys, ...(run.partitionKey ? { partitionKey: run.partitionKey } : {}) });
    for (const line of definitions.instance?.replaced ?? []) log.info(`${line[0]!.toUpperCase()}${line.slice(1)}.`);
    const executor = options.executor ?? inProcessExecutor();
    outcomes = await executor.execute({
      plan,
      run,
      signal: controller.signal,
      events: bus,
      relay: (event) => bus.relay(event),
      runStepInProcess: (step) => runStep(services, step),
      ...(options.definitionsModule !== undefined ? { definitionsModule: options.definitionsModule } : {}),
      runConfig: options.runConfig ?? {},
      definitions,
      ioManager: services.ioManager,
    });
  } catch (error) {
    runError = error;
  }

  await reportListenerErrors(bus, log, options.listenerTimeoutMs ?? 30_000);
  const ended = await emitRunEnd(bus, run, outcomes, runError, controller.signal, Math.round(performance.now() - started));
  const status = bus.fenced ? ((await instance.getRun(runId))?.status ?? "FAILURE") : ended;
  const finalRun: RunRecord = { ...run, status, endedAt: Date.now() };
  options.signal?.removeEventListener("abort", onAbort);

  await bus.drainListeners(options.listenerTimeoutMs ?? 30_000);
  await notifyRunEnd(listeners, finalRun, log, listenerResources, options.listenerTimeoutMs ?? 30_000);
  await services.resources.teardown();
  for (const { manager } of ioManagers.values()) await manager.teardown?.();
  if (services.pending.size) await Promise.all(services.pending);
  await bus.settle();
  // The status is set last: once the run is finished the storage refuses its events, and listeners' and
  // resources' closing warnings above still belong to the run.
  await heartbeat.stop();
  if (!bus.fenced) await instance.updateRun(runId, { status, endedAt: finalRun.endedAt! });
  for (const logger of [...definitions.loggers, ...(options.loggers ?? [])]) await logger.flush?.().catch(() => undefined);

  const result = bus.fenced ? ((await instance.getRun(runId)) ?? finalRun) : finalRun;
  return { runId, status, success: status === "SUCCESS", run: result, plan, stepOutcomes: outcomes, instance };
}

export async function createIOManagers(
  definitions: Definitions,
  options: Pick<MaterializeOptions, "baseDir" | "defaultIOManager">,
  serializers: SerializerRegistry,
): Promise<Map<string, { name: string; manager: IOManager }>> {
  const out = new Map<string, { name: string; manager: IOManager }>();
  const baseDir = options.baseDir ?? process.cwd();
  const entries: [string, IOManager | IOManagerDefinition][] = [...definitions.ioManagers];
  if (!definitions.ioManagers.has(DEFAULT_IO_MANAGER_KEY)) entries.push([DEFAULT_IO_MANAGER_KEY, options.defaultIOManager ?? memoryIOManager()]);
  for (const [key, value] of entries) {
    const manager = isIOManagerDefinition(value) ? await value.create({ serializers, baseDir }) : value;
    out.set(key, { name: key, manager });
  }
  return out;
}
