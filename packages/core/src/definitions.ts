import { AssetGraph } from "./asset-graph.ts";
import type { AssetCheckDefinition } from "./asset-check.ts";
import { assetKeyToString } from "./asset-key.ts";
import { checkMappingCompatible } from "./partitions/check-mapping.ts";
import { DEFAULT_IO_MANAGER_KEY, type AssetsDefinition } from "./asset.ts";
import { ProblemList } from "./definition-problems.ts";
import { ErrorCode, OrchError } from "./errors.ts";
import type { StepHook } from "./hooks.ts";
import type { IOManager, IOManagerFactoryContext } from "./io-manager.ts";
import type { RunListener } from "./listener.ts";
import type { Logger } from "./logger.ts";
import type { ExecutableNode } from "./node.ts";
import type { PlannedStep } from "./plan.ts";
import { PluginRegistry, type Plugin } from "./plugin.ts";
import { isResourceDefinition, resourceFromValue, type ResourceDefinition } from "./resource.ts";
import { resolveSelection } from "./selection/index.ts";
import { didYouMean } from "./suggest.ts";
import type { ScheduleDefinition, SensorDefinition } from "./automation/types.ts";
import { validateAutomation } from "./automation/validate.ts";

/** An IO manager that needs the serializer registry or project dir to be built. */
export interface IOManagerDefinition {
  readonly kind: "orch.io_manager";
  create(context: IOManagerFactoryContext): IOManager | Promise<IOManager>;
}

export function isIOManagerDefinition(value: unknown): value is IOManagerDefinition {
  return typeof value === "object" && value !== null && (value as IOManagerDefinition).kind === "orch.io_manager";
}

/** A named job: a selection of assets, or a graph of ops (built with `job()`), run together. */
export interface JobDefinition {
  readonly kind: "orch.job";
  readonly name: string;
  readonly description?: string;
  readonly selection?: string;
  /** Op jobs: the compiled graph. */
  readonly ops?: OpJobGraph;
  readonly tags?: Readonly<Record<string, string>>;
  readonly executor?: string;
}

/** An op job compiled: one node per op invocation (ids qualified by job: `daily.load`) and the plan's steps. */
export interface OpJobGraph {
  readonly nodes: readonly ExecutableNode[];
  readonly steps: readonly PlannedStep[];
}

export interface DefinitionsInput {
  assets?: readonly AssetsDefinition[];
  /** Checks that run as their own steps after their asset (see `assetCheck`). */
  checks?: readonly AssetCheckDefinition[];
  jobs?: readonly JobDefinition[];
  /** Resources by key; plain values are wrapped as constant resources. */
  resources?: Readonly<Record<string, ResourceDefinition<any, any> | unknown>>;
  /** IO managers by key; `io` is the default and is supplied by the instance when absent. */
  ioManagers?: Readonly<Record<string, IOManager | IOManagerDefinition>>;
  plugins?: readonly Plugin[];
  /** Hooks applied to every step. */
  hooks?: readonly StepHook[];
  listeners?: readonly RunListener[];
  loggers?: readonly Logger[];
  /** Cron schedules (see `schedule`), evaluated by `orch daemon`. */
  schedules?: readonly ScheduleDefinition[];
  /** Sensors (see `sensor`, `assetSensor`, `runStatusSensor`), evaluated by `orch daemon`. */
  sensors?: readonly SensorDefinition[];
}

/** A resource or IO manager key that a definition references and the definitions do not bind. */
export interface UnboundKey {
  readonly kind: "resource" | "ioManager";
  readonly key: string;
  /** `Asset "orders"`, `Hook "audit" on Op "load"`. */
  readonly owner: string;
  /** Set when the owner is a resource (its `requires`): replacing that resource drops the reference. */
  readonly resource?: string;
}

/** Where the instance's bindings came from (orch.yaml), so worker threads can bind their own copy the same way. */
export interface BoundInstance {
  /** The orch.yaml path. */
  readonly configPath: string;
  readonly instanceDir: string;
  /** Resolved paths of the plugin modules orch.yaml lists. */
  readonly pluginModules: readonly string[];
  /** Values the bindings read from the environment: masked in events like run config secrets. */
  readonly secrets: readonly string[];
  /** One line per key orch.yaml binds in place of the definitions' own binding (logged at run start). */
  readonly replaced: readonly string[];
}

export interface Definitions {
  readonly kind: "orch.definitions";
  readonly graph: AssetGraph;
  readonly assets: readonly AssetsDefinition[];
  readonly jobs: ReadonlyMap<string, JobDefinition>;
  readonly resources: ReadonlyMap<string, ResourceDefinition>;
  readonly ioManagers: ReadonlyMap<string, IOManager | IOManagerDefinition>;
  readonly plugins: PluginRegistry;
  readonly hooks: readonly StepHook[];
  readonly listeners: readonly RunListener[];
  readonly loggers: readonly Logger[];
  readonly schedules: ReadonlyMap<string, ScheduleDefinition>;
  readonly sensors: ReadonlyMap<string, SensorDefinition>;
  /** Keys referenced and bound nowhere yet: `assertBound` refuses them; orch.yaml may bind them (`bindInstance`). */
  readonly unbound: readonly UnboundKey[];
  /** Set when orch.yaml's resources and IO managers were bound onto these definitions. */
  readonly instance?: BoundInstance;
}

/**
 * Collects and validates everything a project defines. Refuses, naming each culprit: duplicate keys, unknown
 * dependencies, cycles, incompatible partitions. Every problem found is reported in one `DefinitionsError` (its
 * `code` is the first problem's; `problems` lists them all). Resource and IO manager keys referenced but not bound
 * here are kept in `unbound`: the instance may bind them (orch.yaml); `assertBound` refuses the rest before a run.
 */
export function defineDefinitions(input: DefinitionsInput): Definitions {
  const assets = [...(input.assets ?? [])];
  assets.forEach((def, i) => {
    if (!def || !Array.isArray(def.specs)) {
      throw new OrchError(ErrorCode.INVALID_DEFINITION, `assets[${i}] is not an asset definition (use asset(), multiAsset() or an integration's factory).`);
    }
  });
  // Every problem below is collected and reported together (a DefinitionsError), so a user fixes them in one pass.
  const problems = new ProblemList();
  const graph = new AssetGraph(assets, input.checks ?? [], (problem) => problems.add(problem));
  const resources = new Map<string, ResourceDefinition>();
  for (const [key, value] of Object.entries(input.resources ?? {})) {
    resources.set(key, isResourceDefinition(value) ? value : resourceFromValue(value));
  }
  const ioManagers = new Map(Object.entries(input.ioManagers ?? {}));
  const jobs = new Map<string, JobDefinition>();
  for (const job of input.jobs ?? []) {
    if (job?.kind !== "orch.job") {
      problems.add(new OrchError(ErrorCode.INVALID_DEFINITION, `jobs contains something that is not a job (use job()).`));
      continue;
    }
    if (jobs.has(job.name)) {
      problems.add(new OrchError(ErrorCode.INVALID_DEFINITION, `Job "${job.name}" is defined twice.`, { details: { job: job.name } }));
      continue;
    }
    jobs.set(job.name, job);
    // Op nodes join the asset nodes so the step runner, run config and every executor find them by id.
    for (const node of job.ops?.nodes ?? []) {
      if (graph.nodes.has(node.id)) {
        problems.add(new OrchError(ErrorCode.INVALID_DEFINITION, `Op "${node.id}" of job "${job.name}" has the same node id as another definition.`, { details: { job: job.name, nodeId: node.id } }));
        continue;
      }
      graph.nodes.set(node.id, node);
    }
  }
  // Selections are resolved only over a sound graph: with unknown keys or a cycle their messages would mislead.
  if (problems.size === 0) {
    for (const job of jobs.values()) {
      if (job.selection === undefined) continue;
      try {
        resolveSelection(graph, job.selection);
      } catch (error) {
        problems.add(new OrchError(ErrorCode.INVALID_SELECTION, `Job "${job.name}" selects ${JSON.stringify(job.selection)}: ${(error as Error).message.replace(/^\[orch\] /, "")}`, { cause: error }));
      }
    }
  }
  const hooks = [...(input.hooks ?? [])];
  const listeners = [...(input.listeners ?? [])];

  // A key these definitions reference but do not bind may be bound by the instance (orch.yaml `resources:` and
  // `io.managers:`): it is refused when the definitions meet their instance (`bindInstance`, `materialize`).
  const unbound: UnboundKey[] = [];
  const requireResource = (owner: string, key: string) => {
    if (!resources.has(key)) unbound.push({ kind: "resource", key, owner });
  };
  for (const node of graph.nodes.values()) {
    // Op nodes describe themselves with their job (`op "load" in job "etl"`).
    const owner = node.nodeKind === "op" && node.description ? capitalize(node.description) : `${node.nodeKind === "op" ? "Op" : node.nodeKind === "asset_check" ? "Check" : "Asset"} "${node.id}"`;
    for (const key of node.resources) requireResource(owner, key);
    for (const hook of [...node.hooks, ...hooks]) for (const key of hook.resources ?? []) requireResource(`Hook "${hook.name}" on ${owner}`, key);
    for (const output of node.outputs) {
      if (output.ioManagerKey !== DEFAULT_IO_MANAGER_KEY && !ioManagers.has(output.ioManagerKey)) unbound.push({ kind: "ioManager", key: output.ioManagerKey, owner });
    }
  }
  // Partition mappings are checked here, at definition time, so incompatible partitionings never reach a run.
  for (const node of graph.nodes.values()) {
    for (const input of node.inputs) {
      if (input.source.kind !== "asset") continue;
      const upstreamId = assetKeyToString(input.source.assetKey);
      if (!graph.has(upstreamId)) continue; // already reported as an unknown dependency
      const upstream = graph.spec(upstreamId);
      if (!upstream.partitions && input.partitionMapping === undefined) continue;
      problems.attempt(() => checkMappingCompatible({ assetKey: upstreamId, partitions: upstream.partitions }, { assetKey: node.id, partitions: node.partitions }, input.partitionMapping));
    }
  }
  for (const listener of listeners) for (const key of listener.resources ?? []) requireResource(`Listener "${listener.name}"`, key);
  for (const [key, resource] of resources) for (const dep of resource.requires ?? []) if (!resources.has(dep)) unbound.push({ kind: "resource", key: dep, owner: `Resource "${key}"`, resource: key });
  problems.throwIfAny();
  const automation = validateAutomation(input, { graph, jobs, resources }, requireResource);

  return Object.freeze({
    kind: "orch.definitions",
    graph,
    assets,
    jobs,
    resources,
    ioManagers,
    plugins: new PluginRegistry(input.plugins ?? []),
    hooks,
    listeners,
    loggers: [...(input.loggers ?? [])],
    ...automation,
    unbound,
  });
}

/**
 * Refuses, naming each owner and key, every resource and IO manager key the definitions reference and nothing
 * binds (neither `defineDefinitions` nor the instance's orch.yaml). Runs check this before anything runs.
 */
export function assertBound(definitions: Definitions): void {
  if (definitions.unbound.length === 0) return;
  const problems = new ProblemList();
  const config = definitions.instance?.configPath ?? "orch.yaml";
  for (const { kind, key, owner } of definitions.unbound) {
    if (kind === "resource") {
      const provided = [...definitions.resources.keys()];
      problems.add(
        new OrchError(
          ErrorCode.MISSING_RESOURCE,
          `${owner} requires resource "${key}", which is not provided. Provided resources: ${provided.length ? provided.join(", ") : "(none)"}.${didYouMean(key, provided)} Bind it in defineDefinitions({ resources }) or under \`resources:\` in ${config}.`,
          { details: { owner, resource: key } },
        ),
      );
    } else {
      const known = [...new Set([DEFAULT_IO_MANAGER_KEY, ...definitions.ioManagers.keys()])];
      problems.add(
        new OrchError(
          ErrorCode.UNKNOWN_IO_MANAGER,
          `${owner} uses IO manager "${key}", which is not defined. Defined IO managers: ${known.join(", ")}.${didYouMean(key, known)} Bind it in defineDefinitions({ ioManagers }) or under \`io.managers:\` in ${config}.`,
          { details: { owner, ioManager: key } },
        ),
      );
    }
  }
  problems.throwIfAny();
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function isDefinitions(value: unknown): value is Definitions {
  return typeof value === "object" && value !== null && (value as Definitions).kind === "orch.definitions";
}
