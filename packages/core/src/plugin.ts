import semver from "semver";
import type { z } from "zod";
import { ErrorCode, OrchError } from "./errors.ts";
import type { Executor } from "./executor.ts";
import type { IOManager, IOManagerFactoryContext } from "./io-manager.ts";
import type { Logger } from "./logger.ts";
import type { ResourceDefinition } from "./resource.ts";
import type { Serializer } from "./serializer.ts";
import type { InstanceStorage } from "./storage.ts";
import { CORE_VERSION } from "./version.ts";

export interface PluginFactoryContext extends IOManagerFactoryContext {
  /** Resolved path of the instance home (`.orch/` or ORCH_HOME). */
  readonly instanceDir: string;
  /** The definitions module path, for executors that load it in workers. */
  readonly definitionsModule?: string;
}

/**
 * One entry of a plugin: picked by name in `orch.yaml`, its config validated with `config` before anything
 * runs. The created object may have a `teardown()`.
 */
export interface PluginFactory<T, S extends z.ZodType = z.ZodType> {
  readonly description?: string;
  readonly config: S;
  create(config: z.output<S>, context: PluginFactoryContext): T | Promise<T>;
}

export interface PluginSpec {
  readonly name: string;
  /** Semver range of @orch/core this plugin works with, e.g. `^0.1.0`. */
  readonly core: string;
  readonly version?: string;
  /**
   * Resource factories by type name: orch.yaml's `resources: { <key>: { type, config } }` calls one with the raw
   * config (its `{ env }` references resolved at run time) and the instance's context (e.g. `baseDir` for paths).
   */
  readonly resources?: Readonly<Record<string, (config?: unknown, context?: PluginFactoryContext) => ResourceDefinition>>;
  readonly ioManagers?: Readonly<Record<string, PluginFactory<IOManager>>>;
  readonly executors?: Readonly<Record<string, PluginFactory<Executor>>>;
  readonly loggers?: Readonly<Record<string, PluginFactory<Logger>>>;
  readonly storages?: Readonly<Record<string, PluginFactory<InstanceStorage>>>;
  /** Serializers added to the IO managers' registry (e.g. Arrow IPC, Parquet). */
  readonly serializers?: readonly Serializer[];
  /** Checks on outputs that declare no type (e.g. "a dataframe was returned but no schema was declared"). */
  readonly outputGuards?: readonly OutputGuard[];
}

/** Refuses an undeclared output value by returning an error that names the subject and the type received. */
export interface OutputGuard {
  readonly name: string;
  check(value: unknown, subject: string): Error | undefined;
}

export interface Plugin extends PluginSpec {
  readonly kind: "orch.plugin";
}

export function isPlugin(value: unknown): value is Plugin {
  return typeof value === "object" && value !== null && (value as Plugin).kind === "orch.plugin";
}

export type PluginEntryKind = "resources" | "ioManagers" | "executors" | "loggers" | "storages";
const ENTRY_KINDS: readonly PluginEntryKind[] = ["resources", "ioManagers", "executors", "loggers", "storages"];

/** Declares a plugin; validates its shape and refuses a core range that excludes the running core. */
export function definePlugin<const P extends PluginSpec>(spec: P): P & Plugin {
  if (!spec.name || typeof spec.name !== "string") {
    throw new OrchError(ErrorCode.INVALID_PLUGIN, "A plugin needs a name.");
  }
  if (!semver.validRange(spec.core)) {
    throw new OrchError(ErrorCode.INVALID_PLUGIN, `Plugin "${spec.name}" declares core range "${spec.core}", which is not a semver range.`);
  }
  assertCoreCompatible(spec);
  return Object.freeze({ ...spec, kind: "orch.plugin" as const });
}

function assertCoreCompatible(spec: PluginSpec): void {
  if (!semver.satisfies(CORE_VERSION, spec.core, { includePrerelease: true })) {
    throw new OrchError(
      ErrorCode.PLUGIN_CORE_VERSION_MISMATCH,
      `Plugin "${spec.name}" supports @orch/core ${spec.core}, but this is @orch/core ${CORE_VERSION}. Upgrade the plugin or core so they match.`,
      { details: { plugin: spec.name, range: spec.core, core: CORE_VERSION } },
    );
  }
}

/** All registered plugins' entries by kind and name. Registration is explicit: nothing is discovered. */
export class PluginRegistry {
  readonly plugins: Plugin[] = [];
  readonly #entries = new Map<PluginEntryKind, Map<string, { plugin: string; entry: unknown }>>(ENTRY_KINDS.map((k) => [k, new Map()]));
  readonly serializers: Serializer[] = [];
  readonly outputGuards: OutputGuard[] = [];

  constructor(plugins: readonly Plugin[] = []) {
    for (const plugin of plugins) this.register(plugin);
  }

  register(plugin: Plugin): this {
    if (plugin?.kind !== "orch.plugin") {
      throw new OrchError(ErrorCode.INVALID_PLUGIN, "Plugins must be created with definePlugin().");
    }
    assertCoreCompatible(plugin);
    if (this.plugins.some((p) => p.name === plugin.name)) {
      throw new OrchError(ErrorCode.DUPLICATE_PLUGIN, `Plugin "${plugin.name}" is registered twice.`);
    }
    for (const kind of ENTRY_KINDS) {
      const entries = this.#entries.get(kind)!;
      for (const [name, entry] of Object.entries(plugin[kind] ?? {})) {
        const existing = entries.get(name);
        if (existing) {
          throw new OrchError(
            ErrorCode.DUPLICATE_PLUGIN_ENTRY,
            `${kindLabel(kind)} "${name}" is provided by both plugin "${existing.plugin}" and plugin "${plugin.name}".`,
          );
        }
        entries.set(name, { plugin: plugin.name, entry });
      }
    }
    this.serializers.push(...(plugin.serializers ?? []));
    this.outputGuards.push(...(plugin.outputGuards ?? []));
    this.plugins.push(plugin);
    return this;
  }

  names(kind: PluginEntryKind): string[] {
    return [...this.#entries.get(kind)!.keys()].sort();
  }

  get<K extends PluginEntryKind>(kind: K, name: string): NonNullable<PluginSpec[K]>[string] {
    const found = this.#entries.get(kind)!.get(name);
    if (!found) {
      const known = this.names(kind);
      throw new OrchError(
        ErrorCode.UNKNOWN_PLUGIN_ENTRY,
        `Unknown ${kindLabel(kind).toLowerCase()} "${name}". Registered: ${known.length ? known.join(", ") : "(none)"}.`,
        { details: { kind, name, known } },
      );
    }
    return found.entry as NonNullable<PluginSpec[K]>[string];
  }
}

function kindLabel(kind: PluginEntryKind): string {
  return { resources: "Resource", ioManagers: "IO manager", executors: "Executor", loggers: "Logger", storages: "Storage" }[kind];
}
