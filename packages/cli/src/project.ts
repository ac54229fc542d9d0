import { join, resolve } from "node:path";
import {
  bindInstance,
  builtinInstancePlugin,
  createFromInstanceConfig,
  createLoggersFromInstanceConfig,
  detectCrashedRuns,
  fsIOManager,
  instanceBindings,
  loadInstanceConfig,
  parseInstanceConfig,
  PluginRegistry,
  SerializerRegistry,
  type Definitions,
  type Executor,
  type Logger,
  type InstanceConfig,
  type InstanceStorage,
  type IOManagerDefinition,
  type PluginFactoryContext,
  type CrashedRun,
} from "@orch/core";
import { defaultInstanceDir, sqlitePlugin } from "@orch/sqlite";
import { UsageError } from "./exit-codes.ts";
import { CONFIG_FILE, findProjectDir } from "./find-project.ts";
import { loadDefinitions } from "./load-definitions.ts";
import { loadPlugins } from "./load-plugins.ts";

export interface ProjectOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** `-m`: overrides `module:` in orch.yaml. */
  module?: string;
  /** Called for each run crash detection closed when the instance opened. */
  onCrashedRun?: (run: CrashedRun) => void;
  /**
   * false: opening the instance closes no crashed runs. For a run the daemon launched (`orch runs execute`): the
   * daemon watches its sibling runs' processes and closes a dead one with how it died (the signal, the exit code).
   */
  detectCrashes?: boolean;
}

/**
 * Everything a command works on: the instance config (the nearest orch.yaml, in the working directory or a
 * parent, or defaults), the plugin registry, the instance storage (opened once; crash detection runs first),
 * and, on demand, the definitions (with orch.yaml's resources and IO managers bound), the default IO manager and
 * the executor.
 */
export class Project {
  readonly dir: string;
  readonly config: InstanceConfig;
  readonly hasConfigFile: boolean;
  readonly instanceDir: string;
  readonly registry: PluginRegistry;
  /** `-m`, resolved against the directory the command runs in. */
  readonly #moduleOverride: string | undefined;
  /** Resolved paths of orch.yaml's plugin modules. */
  readonly #pluginModules: readonly string[];
  #storage: InstanceStorage | undefined;
  #definitions: Definitions | undefined;
  readonly #onCrashedRun: ((run: CrashedRun) => void) | undefined;
  readonly #detectCrashes: boolean;

  private constructor(dir: string, instanceDir: string, config: InstanceConfig, hasConfigFile: boolean, registry: PluginRegistry, pluginModules: string[], options: ProjectOptions) {
    this.dir = dir;
    this.#pluginModules = pluginModules;
    this.config = config;
    this.hasConfigFile = hasConfigFile;
    this.registry = registry;
    this.instanceDir = instanceDir;
    this.#moduleOverride = options.module ? resolve(options.cwd ?? process.cwd(), options.module) : undefined;
    this.#onCrashedRun = options.onCrashedRun;
    this.#detectCrashes = options.detectCrashes ?? true;
  }

  static async open(options: ProjectOptions = {}): Promise<Project> {
    const cwd = resolve(options.cwd ?? process.cwd());
    const found = findProjectDir(cwd);
    const dir = found ?? cwd;
    const path = join(dir, CONFIG_FILE);
    const config = found ? await loadInstanceConfig(path) : parseInstanceConfig("", path);
    const { plugins, modules } = await loadPlugins(config.plugins, dir, config.source.path);
    const registry = new PluginRegistry([builtinInstancePlugin, sqlitePlugin, ...plugins]);
    // `.orch/` beside orch.yaml (or ORCH_HOME, relative to that folder), whatever directory the command runs in.
    const home = defaultInstanceDir(options.env ?? process.env, dir);
    return new Project(dir, home, config, found !== undefined, registry, modules, options);
  }

  /** The definitions module path: `-m`, else `module:` in orch.yaml (relative to it). */
  get modulePath(): string | undefined {
    if (this.#moduleOverride) return this.#moduleOverride;
    return this.config.module ? resolve(this.config.source.dir, this.config.module) : undefined;
  }

  get ioBaseDir(): string {
    return this.config.io.baseDir ? resolve(this.config.source.dir, this.config.io.baseDir) : join(this.instanceDir, "storage");
  }

  factoryContext(): PluginFactoryContext {
    const serializers = new SerializerRegistry();
    for (const s of this.registry.serializers) serializers.register(s);
    return {
      serializers,
      baseDir: this.dir,
      instanceDir: this.instanceDir,
      ...(this.modulePath ? { definitionsModule: this.modulePath } : {}),
    };
  }

  /** Opens the instance storage once, then closes runs whose worker died (its process on this host is gone, or another host's heartbeat is stale). */
  async storage(): Promise<InstanceStorage> {
    if (this.#storage) return this.#storage;
    const config = this.#withRetentionDefaults();
    const storage = await createFromInstanceConfig(this.registry, "storage", config, this.factoryContext());
    this.#storage = storage;
    if (!this.#detectCrashes) return storage;
    const crashed = await detectCrashedRuns(storage, { staleAfterMs: this.config.runs.staleAfterMs });
    for (const run of crashed) this.#onCrashedRun?.(run);
    return storage;
  }

  async definitions(): Promise<Definitions> {
    if (this.#definitions) return this.#definitions;
    const path = this.modulePath;
    if (!path) {
      throw new UsageError("[orch] [cli] No definitions module: pass -m path/to/defs.ts, or set `module: ./defs.ts` in orch.yaml.");
    }
    this.#definitions = this.bind(await loadDefinitions(path));
    return this.#definitions;
  }

  /**
   * The definitions with orch.yaml's `resources:` and `io.managers:` bound by key (replacing the definitions' own
   * binding of a key, adding the keys they reference and do not bind), checked before anything runs: unknown
   * types, invalid config, and references bound nowhere are refused.
   */
  bind(definitions: Definitions): Definitions {
    return bindInstance(definitions, instanceBindings(this.#registryWith(definitions), this.config, this.factoryContext(), this.#pluginModules));
  }

  /** The filesystem IO manager under the instance home, so later runs and re-executions load earlier outputs. */
  defaultIOManager(): IOManagerDefinition {
    return fsIOManager({ baseDir: this.ioBaseDir });
  }

  /** The executor orch.yaml picks, or a job's own executor (by registered name, default config). */
  async executor(definitions: Definitions, name?: string): Promise<Executor> {
    const config = name ? { ...this.config, executor: { type: name, config: {} } } : this.config;
    return createFromInstanceConfig(this.#registryWith(definitions), "executor", config, this.factoryContext());
  }

  /** The loggers orch.yaml lists under `loggers:` (e.g. `datadog`), besides the console. */
  async loggers(definitions: Definitions): Promise<Logger[]> {
    return createLoggersFromInstanceConfig(this.#registryWith(definitions), this.config, this.factoryContext());
  }

  /** orch.yaml's plugins plus the plugins the definitions register. */
  #registryWith(definitions: Definitions): PluginRegistry {
    const registry = new PluginRegistry(this.registry.plugins);
    for (const plugin of definitions.plugins.plugins) if (!registry.plugins.some((p) => p.name === plugin.name)) registry.register(plugin);
    return registry;
  }

  async close(): Promise<void> {
    await this.#storage?.close();
    this.#storage = undefined;
  }

  /** orch.yaml's top-level `retention` is handed to the SQLite storage unless its own config sets one. */
  #withRetentionDefaults(): InstanceConfig {
    const { storage, retention } = this.config;
    if (storage.type !== "sqlite" || storage.config["retention"] !== undefined || Object.keys(retention).length === 0) return this.config;
    return { ...this.config, storage: { ...storage, config: { ...storage.config, retention } } };
  }
}

