import { pathToFileURL } from "node:url";
import { assertBound, type BoundInstance, type Definitions, type IOManagerDefinition } from "./definitions.ts";
import { resolveEnvRefs } from "./env.ts";
import { ErrorCode, isOrchError, OrchError } from "./errors.ts";
import { loadInstanceConfig, type InstanceConfig } from "./instance-config.ts";
import { findEntry, INVALID_INSTANCE_CONFIG, keyLabel, parseEntryConfig } from "./instance-entry.ts";
import { isPlugin, PluginRegistry, type Plugin, type PluginFactoryContext } from "./plugin.ts";
import { isResourceDefinition, type ResourceDefinition } from "./resource.ts";

/** orch.yaml's `resources:` and `io.managers:`, each looked up in the registry and its config validated. */
export interface InstanceBindings {
  readonly resources: ReadonlyMap<string, { readonly type: string; readonly at: string; readonly definition: ResourceDefinition }>;
  readonly ioManagers: ReadonlyMap<string, { readonly type: string; readonly at: string; readonly definition: IOManagerDefinition }>;
  readonly origin: Omit<BoundInstance, "replaced">;
}

/**
 * Builds orch.yaml's resources and IO managers by registered name, before anything runs. An unknown type is
 * refused at its line with the registered names; a config is validated with the factory's zod schema (unknown keys
 * refused with the closest key, at their line) after its `{ env: NAME }` values are read (they become secrets,
 * masked in events). Resources are set up by the run that uses them; IO managers are created per run.
 */
export function instanceBindings(registry: PluginRegistry, config: InstanceConfig, context: PluginFactoryContext, pluginModules: readonly string[] = []): InstanceBindings {
  const secrets: string[] = [];
  const readEnv = (value: Record<string, unknown>, keyPath: readonly string[]): unknown => {
    try {
      const resolved = resolveEnvRefs(value, `${keyLabel(keyPath)}.config`);
      secrets.push(...resolved.secrets);
      return resolved.value;
    } catch (error) {
      if (!isOrchError(error, ErrorCode.MISSING_ENV_VAR)) throw error;
      const missing = (error.details?.["missing"] as string[] | undefined) ?? [error.message];
      throw new OrchError(INVALID_INSTANCE_CONFIG, `${config.source.locate([...keyPath, "config"])}: ${keyLabel(keyPath)} needs environment variables:\n  ${missing.join("\n  ")}`, {
        cause: error,
        details: { path: config.source.path, key: `${keyLabel(keyPath)}.config`, missing },
      });
    }
  };

  const resources = new Map<string, { type: string; at: string; definition: ResourceDefinition }>();
  for (const [key, choice] of Object.entries(config.resources)) {
    const keyPath = ["resources", key];
    const factory = findEntry(registry, "resources", choice.type, keyPath, config);
    // The raw config (with its `{ env }` references) stays on the definition: run config may override it and each
    // run (or worker thread) reads the environment itself, as for resources bound in code.
    const definition = factory(choice.config, context);
    if (!isResourceDefinition(definition)) {
      throw new OrchError(ErrorCode.INVALID_PLUGIN, `${config.source.locate([...keyPath, "type"])}: resource type "${choice.type}" did not return a resource (defineResource()).`);
    }
    const value = readEnv(choice.config, keyPath);
    if (definition.configSchema) parseEntryConfig(definition.configSchema, value, choice.type, keyPath, config);
    else if (Object.keys(choice.config).length > 0) {
      throw new OrchError(INVALID_INSTANCE_CONFIG, `${config.source.locate([...keyPath, "config"])}: ${keyLabel(keyPath)} "${choice.type}" takes no config.`, {
        details: { path: config.source.path, key: `${keyLabel(keyPath)}.config` },
      });
    }
    resources.set(key, { type: choice.type, at: config.source.locate(keyPath), definition });
  }

  const ioManagers = new Map<string, { type: string; at: string; definition: IOManagerDefinition }>();
  for (const [key, choice] of Object.entries(config.io.managers)) {
    const keyPath = ["io", "managers", key];
    const factory = findEntry(registry, "ioManagers", choice.type, keyPath, config);
    const parsed = parseEntryConfig(factory.config, readEnv(choice.config, keyPath), choice.type, keyPath, config);
    const definition: IOManagerDefinition = { kind: "orch.io_manager", create: (io) => factory.create(parsed as never, { ...context, ...io }) };
    ioManagers.set(key, { type: choice.type, at: config.source.locate(keyPath), definition });
  }
  return { resources, ioManagers, origin: { configPath: config.source.path, instanceDir: context.instanceDir, pluginModules, secrets } };
}

/**
 * The definitions with orch.yaml's resources and IO managers bound by key: a key the definitions bind too is
 * replaced (said in `instance.replaced`, which each run logs), a key they reference and do not bind is added.
 * Refuses every reference still bound nowhere, naming its owner and key. Without any binding the definitions are
 * only checked.
 */
export function bindInstance(definitions: Definitions, bindings: InstanceBindings): Definitions {
  const resources = new Map(definitions.resources);
  const ioManagers = new Map(definitions.ioManagers);
  const replaced: string[] = [];
  for (const [key, { type, at, definition }] of bindings.resources) {
    if (resources.has(key)) replaced.push(`resource "${key}" is bound by ${at} (type ${type}), in place of the definitions' own "${key}"`);
    resources.set(key, definition);
  }
  for (const [key, { type, at, definition }] of bindings.ioManagers) {
    if (ioManagers.has(key)) replaced.push(`IO manager "${key}" is bound by ${at} (type ${type}), in place of the definitions' own "${key}"`);
    ioManagers.set(key, definition);
  }
  const unbound = definitions.unbound.filter((ref) => {
    if (ref.resource !== undefined && bindings.resources.has(ref.resource)) return false; // the resource that required it was replaced
    return ref.kind === "resource" ? !resources.has(ref.key) : !ioManagers.has(ref.key);
  });
  for (const [key, { definition }] of bindings.resources) {
    for (const dep of definition.requires ?? []) if (!resources.has(dep)) unbound.push({ kind: "resource", key: dep, owner: `Resource "${key}"`, resource: key });
  }
  const binds = bindings.resources.size + bindings.ioManagers.size > 0;
  const bound: Definitions = Object.freeze({ ...definitions, resources, ioManagers, unbound, ...(binds ? { instance: { ...bindings.origin, replaced } } : {}) });
  assertBound(bound);
  return bound;
}

/** Imports a resolved plugin module: its default export, or every named export made with definePlugin(). */
export async function importPluginModule(path: string): Promise<Plugin[]> {
  const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const found = isPlugin(mod["default"]) ? [mod["default"]] : Object.values(mod).filter(isPlugin);
  return [...new Set(found)];
}

/**
 * Binds a fresh copy of the definitions (a worker thread loads the module itself) the way the instance did:
 * the same orch.yaml, the same plugin modules, the environment read again here.
 */
export async function bindInstanceAgain(definitions: Definitions, instance: BoundInstance, context: Omit<PluginFactoryContext, "instanceDir">): Promise<Definitions> {
  const config = await loadInstanceConfig(instance.configPath);
  const registry = new PluginRegistry();
  for (const path of instance.pluginModules) for (const plugin of await importPluginModule(path)) if (!registry.plugins.some((p) => p.name === plugin.name)) registry.register(plugin);
  for (const plugin of definitions.plugins.plugins) if (!registry.plugins.some((p) => p.name === plugin.name)) registry.register(plugin);
  return bindInstance(definitions, instanceBindings(registry, config, { ...context, instanceDir: instance.instanceDir }, instance.pluginModules));
}
