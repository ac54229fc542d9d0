import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { LineCounter, parseDocument, type Document } from "yaml";
import { z } from "zod";
import { OrchError } from "./errors.ts";
import { inProcessExecutor } from "./execution/in-process-executor.ts";
import type { Executor } from "./executor.ts";
import type { Logger } from "./logger.ts";
import { describeIssues, findEntry, INVALID_INSTANCE_CONFIG, parseEntryConfig, plural } from "./instance-entry.ts";
import { definePlugin, type PluginFactoryContext, type PluginRegistry } from "./plugin.ts";
import type { InstanceStorage } from "./storage.ts";
import { memoryStorage } from "./storage/memory-storage.ts";
import { CORE_VERSION } from "./version.ts";
import { parseKnownKeys } from "./zod-unknown-keys.ts";
import { DEFAULT_RUN_RETRY_POLICY, RUN_RETRY_STRATEGIES } from "./queue/run-retries.ts";

export { INVALID_INSTANCE_CONFIG };

const pluginChoice = (defaultType: string) =>
  z
    .object({
      /** The registered name: a built-in or one a plugin listed under `plugins:` adds. */
      type: z.string().min(1).default(defaultType),
      /** Validated by the chosen factory's own schema. */
      config: z.record(z.string(), z.unknown()).default({}),
    })
    .strict()
    .default({ type: defaultType, config: {} });

/** An entry picked by registered name, with the config its factory validates. */
const namedChoice = z.object({ type: z.string().min(1), config: z.record(z.string(), z.unknown()).default({}) }).strict();

const runRetriesSchema = z
  .object({
    /** How many times a failed run is retried (0: never). */
    maxRetries: z.number().int().nonnegative().default(DEFAULT_RUN_RETRY_POLICY.maxRetries),
    /** `from_failure`: only the steps that did not succeed run again; `all_steps`: every step of the run. */
    strategy: z.enum(RUN_RETRY_STRATEGIES).default(DEFAULT_RUN_RETRY_POLICY.strategy),
    /** false: only runs whose worker died are retried, not runs a step failed. */
    retryOnStepFailure: z.boolean().default(DEFAULT_RUN_RETRY_POLICY.retryOnStepFailure),
  })
  .strict();

/** `orch.yaml`: how an instance stores runs, executes steps and keeps outputs. Every key is optional. */
export const instanceConfigSchema = z
  .object({
    /** The definitions module, relative to orch.yaml: `module: ./defs.ts`. */
    module: z.string().min(1).optional(),
    /** Module specifiers of plugins to register (`@orch/threads`, `./plugins/mine.ts`); never discovered. */
    plugins: z.array(z.string().min(1)).default([]),
    storage: pluginChoice("sqlite"),
    executor: pluginChoice("in_process"),
    /** Logger plugins that see every run's events (e.g. `datadog`), by registered name, each with its config. */
    loggers: z.array(namedChoice).default([]),
    /**
     * Resources by resource key, each a registered resource type with its config (`{ env: NAME }` values are
     * secrets). A key binds a resource the definitions reference, replacing the definitions' own binding of it.
     */
    resources: z.record(z.string().min(1), namedChoice).default({}),
    io: z
      .object({
        /** The filesystem IO manager's root, relative to orch.yaml. Default: `storage/` in the instance home. */
        baseDir: z.string().min(1).optional(),
        /** IO managers by IO manager key (`io` is the default one), like `resources:`. */
        managers: z.record(z.string().min(1), namedChoice).default({}),
      })
      .strict()
      .default({ managers: {} }),
    retention: z
      .object({ maxAgeDays: z.number().positive().optional(), maxEventRows: z.number().int().positive().optional() })
      .strict()
      .default({}),
    runs: z
      .object({
        /** Most runs in progress at once on this instance: the run queue's `maxConcurrentRuns`. */
        maxConcurrent: z.number().int().positive().optional(),
        /** Queue limits per run tag: `{ key, value?, limit, perUniqueValue? }`. */
        tagConcurrencyLimits: z
          .array(
            z
              .object({
                key: z.string().min(1),
                value: z.string().optional(),
                limit: z.number().int().nonnegative(),
                perUniqueValue: z.boolean().optional(),
              })
              .strict(),
          )
          .default([]),
        heartbeatMs: z.number().int().positive().default(5_000),
        /** A running run of another host whose heartbeat is older than this is marked failed (on this host the pid decides). */
        staleAfterMs: z.number().int().positive().default(30_000),
        /**
         * Run retries: the daemon re-executes a failed run as a new queued run, up to `maxRetries` times. Runs
         * override these with the tags `orch/max_retries`, `orch/retry_strategy`, `orch/retry_on_step_failure`.
         */
        retries: runRetriesSchema.default(DEFAULT_RUN_RETRY_POLICY),
      })
      .strict()
      .default({ heartbeatMs: 5_000, staleAfterMs: 30_000, tagConcurrencyLimits: [], retries: DEFAULT_RUN_RETRY_POLICY }),
    daemon: z
      .object({
        /** How often each daemon loop (schedules, sensors, queue, backfills, monitor) wakes up. */
        intervalMs: z.number().int().positive().default(1_000),
        /** A daemon lock whose heartbeat is older than this is taken over by a new daemon. */
        staleAfterMs: z.number().int().positive().default(30_000),
        /**
         * Runs the queue starts in one child process each (`process`), inside the daemon (`in_process`), or on
         * `orch worker` processes through the storage's job queue (`queue`, PostgreSQL).
         */
        launcher: z.enum(["process", "in_process", "queue"]).default("process"),
      })
      .strict()
      .default({ intervalMs: 1_000, staleAfterMs: 30_000, launcher: "process" }),
  })
  .strict();

export type InstanceConfigValues = z.output<typeof instanceConfigSchema>;

export interface InstanceConfig extends InstanceConfigValues {
  readonly source: {
    /** The orch.yaml path (or a label when parsed from text). */
    readonly path: string;
    /** Relative paths in the config resolve against this folder. */
    readonly dir: string;
    /** `orch.yaml:3:9` for a key path, so every message points at the line to fix. */
    locate(path: readonly PropertyKey[]): string;
  };
}

/** Parses and validates orch.yaml text; refuses with every problem listed at its YAML path and line. */
export function parseInstanceConfig(text: string, path: string): InstanceConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return `  - ${path}:${pos.line}:${pos.col}: ${e.message.split("\n")[0]}`;
    });
    throw new OrchError(INVALID_INSTANCE_CONFIG, `${path} is not valid YAML:\n${lines.join("\n")}`, { details: { path } });
  }
  const locate = (keyPath: readonly PropertyKey[]) => `${path}:${lineOf(doc, lineCounter, keyPath)}`;
  const result = parseKnownKeys(instanceConfigSchema, doc.toJS() ?? {});
  if (!result.success) {
    throw new OrchError(INVALID_INSTANCE_CONFIG, `${path} has ${plural(result.issues.length, "problem")}:\n${describeIssues(result.issues, "", locate)}`, {
      details: { path, issues: result.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
    });
  }
  return { ...result.data, source: { path, dir: dirname(resolve(path)), locate } };
}

/** Reads and validates an orch.yaml file. */
export async function loadInstanceConfig(path: string): Promise<InstanceConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new OrchError(INVALID_INSTANCE_CONFIG, `Cannot read instance config ${path}: ${(error as Error).message}`, { cause: error, details: { path } });
  }
  return parseInstanceConfig(text, path);
}

/** The storages and executors every instance has: `memory` storage and the `in_process` executor. */
export const builtinInstancePlugin = definePlugin({
  name: "orch-builtin",
  core: `^${CORE_VERSION}`,
  storages: {
    memory: { description: "Runs and events in process memory; gone when the process ends.", config: z.object({}).strict(), create: () => memoryStorage() },
  },
  executors: {
    in_process: {
      description: "Every step on the main thread (async work overlaps).",
      config: z.object({ maxConcurrency: z.number().int().positive().optional() }).strict(),
      create: (config: { maxConcurrency?: number | undefined }) =>
        inProcessExecutor(config.maxConcurrency !== undefined ? { maxConcurrency: config.maxConcurrency } : {}),
    },
  },
});

/**
 * Builds the configured storage or executor: looks the name up in the registry (an unknown name lists the
 * registered ones), validates `config` with the factory's schema, then creates it.
 */
export async function createFromInstanceConfig(registry: PluginRegistry, what: "storage", config: InstanceConfig, context: PluginFactoryContext): Promise<InstanceStorage>;
export async function createFromInstanceConfig(registry: PluginRegistry, what: "executor", config: InstanceConfig, context: PluginFactoryContext): Promise<Executor>;
export async function createFromInstanceConfig(
  registry: PluginRegistry,
  what: "storage" | "executor",
  config: InstanceConfig,
  context: PluginFactoryContext,
): Promise<InstanceStorage | Executor> {
  return createEntry(registry, what === "storage" ? "storages" : "executors", config[what], [what], config, context) as Promise<InstanceStorage | Executor>;
}

/** Builds every logger listed under `loggers:` in orch.yaml, in order. */
export async function createLoggersFromInstanceConfig(registry: PluginRegistry, config: InstanceConfig, context: PluginFactoryContext): Promise<Logger[]> {
  const loggers: Logger[] = [];
  for (const [i, choice] of config.loggers.entries()) loggers.push((await createEntry(registry, "loggers", choice, ["loggers", i], config, context)) as Logger);
  return loggers;
}

async function createEntry(
  registry: PluginRegistry,
  kind: "storages" | "executors" | "loggers",
  choice: { readonly type: string; readonly config: Record<string, unknown> },
  keyPath: readonly (string | number)[],
  config: InstanceConfig,
  context: PluginFactoryContext,
): Promise<unknown> {
  const factory = findEntry(registry, kind, choice.type, keyPath, config);
  return factory.create(parseEntryConfig(factory.config, choice.config, choice.type, keyPath, config) as never, context);
}

/** The line:col of the deepest node on `path` that exists in the document (a missing key points at its parent). */
function lineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): string {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) {
      const pos = counter.linePos(range[0]);
      return `${pos.line}:${pos.col}`;
    }
  }
  return "1:1";
}
