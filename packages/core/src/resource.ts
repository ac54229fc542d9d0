import type { z } from "zod";
import type { StepLogger } from "./logger.ts";

export interface ResourceContext {
  readonly runId: string;
  readonly log: StepLogger;
  /** Other resources this one declared in `requires`, already set up. */
  readonly resources: Readonly<Record<string, unknown>>;
}

/**
 * A resource: a client or helper that assets ask for by key. Set up once per run (or once per worker with the
 * thread executor) and torn down at the end, even when the run fails.
 */
export interface ResourceDefinition<TValue = unknown, TConfig = unknown> {
  readonly kind: "orch.resource";
  readonly description?: string;
  /** Validates `config` (after `{ env }` references are resolved) before anything runs. */
  readonly configSchema?: z.ZodType<TConfig>;
  /** Raw config as written by the user; may contain `{ env: "NAME" }` references. */
  readonly config?: unknown;
  /** Keys of other resources this one needs. */
  readonly requires?: readonly string[];
  create(config: TConfig, context: ResourceContext): TValue | Promise<TValue>;
  teardown?(value: TValue, context: ResourceContext): void | Promise<void>;
}

export type ResourceValue<R> = R extends ResourceDefinition<infer V, unknown> ? V : R;

export interface ResourceOptions<TValue, S extends z.ZodType | undefined> {
  description?: string;
  config?: S;
  requires?: readonly string[];
  create(config: S extends z.ZodType ? z.output<S> : undefined, context: ResourceContext): TValue | Promise<TValue>;
  teardown?(value: TValue, context: ResourceContext): void | Promise<void>;
}

/**
 * Declares a resource factory: `defineResource({ config, create })` returns a function that binds user config,
 * e.g. `warehouse({ url: { env: "WAREHOUSE_URL" } })`.
 */
export function defineResource<TValue, S extends z.ZodType | undefined = undefined>(
  options: ResourceOptions<TValue, S>,
): (config?: unknown) => ResourceDefinition<TValue, S extends z.ZodType ? z.output<S> : undefined> {
  return (config?: unknown) => ({
    kind: "orch.resource",
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.config !== undefined ? { configSchema: options.config as never } : {}),
    ...(config !== undefined ? { config } : {}),
    ...(options.requires !== undefined ? { requires: options.requires } : {}),
    create: options.create as never,
    ...(options.teardown !== undefined ? { teardown: options.teardown } : {}),
  });
}

/** Wraps a ready-made value (a client, a constant) as a resource. */
export function resourceFromValue<T>(value: T, description?: string): ResourceDefinition<T, undefined> {
  return { kind: "orch.resource", ...(description ? { description } : {}), create: () => value };
}

export function isResourceDefinition(value: unknown): value is ResourceDefinition {
  return typeof value === "object" && value !== null && (value as ResourceDefinition).kind === "orch.resource";
}
