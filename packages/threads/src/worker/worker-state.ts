import {
  bindInstanceAgain,
  isIOManagerDefinition,
  resolveRunConfig,
  ResourceScope,
  runLogger,
  SerializerRegistry,
  type Definitions,
  type IOManager,
  type PlannedStep,
  type ResolvedRunConfig,
  type RunRecord,
} from "@orch/core";
import { CodecSet } from "../codec.ts";
import type { TaskBase } from "../protocol.ts";
import { loadDefinitions } from "./load-definitions.ts";
import type { PortClient } from "./port-client.ts";
import { proxyIOManager } from "./proxy-io-manager.ts";

/**
 * What one worker keeps between tasks for one definitions module and run config: the loaded definitions,
 * its resources (set up once per worker, torn down when the pool closes) and the IO managers it creates itself.
 */
export class WorkerState {
  readonly definitions: Definitions;
  readonly codecs: CodecSet;
  readonly resources: ResourceScope;
  readonly #runConfig: unknown;
  readonly #secrets: readonly string[];
  readonly #localIO: Map<string, IOManager>;
  readonly #configByNode = new Map<string, ResolvedRunConfig>();
  /** The task currently running on this worker: resource logs go to its channel and carry its run id. */
  #client: PortClient | undefined;
  #run: RunRecord;

  private constructor(definitions: Definitions, codecs: CodecSet, runConfig: unknown, localIO: Map<string, IOManager>, firstRun: RunRecord) {
    this.definitions = definitions;
    this.codecs = codecs;
    this.#runConfig = runConfig;
    this.#localIO = localIO;
    this.#run = firstRun;
    // Validates resource config and resolves `{ env }` references here, from this worker's environment.
    const resolved = resolveRunConfig(definitions, [], runConfig);
    this.#secrets = resolved.secrets;
    const state = this;
    const log = runLogger({
      get run() {
        return state.#run;
      },
      events: { emit: (event) => state.#client?.emit(event) ?? Promise.resolve() },
      config: resolved,
      pending: new Set(),
    });
    this.resources = new ResourceScope(definitions, resolved.resourceConfig, firstRun.runId, log);
  }

  static async create(task: TaskBase): Promise<WorkerState> {
    const loaded = await loadDefinitions(task.module);
    const codecs = await CodecSet.load(task.codecs);
    const serializers = new SerializerRegistry();
    for (const s of loaded.plugins.serializers) serializers.register(s);
    // orch.yaml's resources and IO managers, bound here as on the main thread (its environment read again here).
    const definitions = task.instance ? await bindInstanceAgain(loaded, task.instance, { serializers, baseDir: task.baseDir, definitionsModule: task.module }) : loaded;
    const localIO = new Map<string, IOManager>();
    for (const [key, value] of definitions.ioManagers) {
      if (isIOManagerDefinition(value)) localIO.set(key, await value.create({ serializers, baseDir: task.baseDir }));
    }
    return new WorkerState(definitions, codecs, task.runConfig, localIO, task.run);
  }

  /** Routes this state's resource logs to a task's channel (tasks run one at a time per worker). */
  begin(client: PortClient, run?: RunRecord): void {
    this.#client = client;
    if (run) this.#run = run;
  }

  end(): void {
    this.#client = undefined;
  }

  /** Run config for one step, resolved in this worker (env references read here). */
  configFor(step: PlannedStep): ResolvedRunConfig {
    let config = this.#configByNode.get(step.nodeId);
    if (!config) {
      config = resolveRunConfig(this.definitions, [step], this.#runConfig);
      this.#configByNode.set(step.nodeId, config);
    }
    return config;
  }

  get secrets(): readonly string[] {
    return this.#secrets;
  }

  /** IO managers defined as factories are created here; plain objects (and the default `io`) live on the main thread. */
  ioManager(key: string, client: PortClient): IOManager {
    return this.#localIO.get(key) ?? proxyIOManager(key, client, this.codecs);
  }

  async teardown(): Promise<void> {
    await this.resources.teardown();
    for (const manager of this.#localIO.values()) await manager.teardown?.();
  }
}
