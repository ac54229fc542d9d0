import { z } from "zod";
import type { Definitions } from "../definitions.ts";
import { resolveEnvRefs } from "../env.ts";
import { ErrorCode, isOrchError, OrchError } from "../errors.ts";
import { formatZodIssues } from "../zod-issues.ts";
import { parseKnownKeys } from "../zod-unknown-keys.ts";
import type { PlannedStep } from "../plan.ts";
import { didYouMean } from "../suggest.ts";

/** Run config as users write it (YAML or JSON): per-asset/op config and per-resource config. */
export interface RunConfig {
  readonly assets?: Readonly<Record<string, { readonly config?: unknown }>>;
  readonly ops?: Readonly<Record<string, { readonly config?: unknown }>>;
  readonly resources?: Readonly<Record<string, { readonly config?: unknown }>>;
}

const runConfigShape = z
  .object({
    assets: z.record(z.string(), z.object({ config: z.unknown().optional() }).strict()).optional(),
    ops: z.record(z.string(), z.object({ config: z.unknown().optional() }).strict()).optional(),
    resources: z.record(z.string(), z.object({ config: z.unknown().optional() }).strict()).optional(),
  })
  .strict();

export interface ResolvedRunConfig {
  /** Node id → validated config. */
  readonly nodeConfig: ReadonlyMap<string, unknown>;
  /** Resource key → validated config. */
  readonly resourceConfig: ReadonlyMap<string, unknown>;
  /** Values read from the environment, masked in logs. */
  readonly secrets: readonly string[];
}

/**
 * Validates the whole run config before any step runs: every problem is reported at once, each with its path
 * (`assets.cleaned.config.threshold: ...`). Unknown keys are refused with the closest known key, even where the
 * schema is a plain (non-strict) zod object.
 */
export function resolveRunConfig(definitions: Definitions, steps: readonly PlannedStep[], raw: unknown): ResolvedRunConfig {
  const problems: string[] = [];
  // Values orch.yaml's bindings read from the environment are masked like the run config's own.
  const secrets: string[] = [...(definitions.instance?.secrets ?? [])];
  const shape = parseKnownKeys(runConfigShape, raw ?? {});
  if (!shape.success) {
    throw invalid(formatZodIssues(shape.issues, ""));
  }
  const config = shape.data as RunConfig;
  const nodeIds = new Set(steps.map((s) => s.nodeId));
  const allNodes = [...definitions.graph.nodes.keys()];

  const section = (name: "assets" | "ops") => config[name] ?? {};
  for (const name of ["assets", "ops"] as const) {
    for (const id of Object.keys(section(name))) {
      if (!definitions.graph.nodes.has(id)) problems.push(`${name}.${id}: no ${name === "assets" ? "asset" : "op"} named "${id}".${didYouMean(id, allNodes)}`);
    }
  }
  const nodeConfig = new Map<string, unknown>();
  for (const id of nodeIds) {
    const node = definitions.graph.nodes.get(id)!;
    const section = node.nodeKind === "op" ? "ops" : "assets";
    const given = config[section]?.[id]?.config;
    if (!node.configSchema) {
      if (given !== undefined) problems.push(`${section}.${id}.config: "${id}" takes no config.`);
      continue;
    }
    const value = resolve(given ?? {}, `${section}.${id}.config`);
    if (value === FAILED) continue;
    const parsed = parseKnownKeys(node.configSchema, value);
    if (parsed.success) nodeConfig.set(id, parsed.data);
    else problems.push(...formatZodIssues(parsed.issues, `${section}.${id}.config`));
  }

  const resourceConfig = new Map<string, unknown>();
  for (const key of Object.keys(config.resources ?? {})) {
    if (!definitions.resources.has(key)) problems.push(`resources.${key}: no resource named "${key}".${didYouMean(key, definitions.resources.keys())}`);
  }
  for (const [key, resource] of definitions.resources) {
    const given = config.resources?.[key]?.config;
    const rawConfig = given !== undefined ? mergeConfig(resource.config, given) : resource.config;
    const value = resolve(rawConfig, `resources.${key}.config`);
    if (value === FAILED) continue;
    if (!resource.configSchema) {
      resourceConfig.set(key, value);
      continue;
    }
    const parsed = parseKnownKeys(resource.configSchema, value ?? {});
    if (parsed.success) resourceConfig.set(key, parsed.data);
    else problems.push(...formatZodIssues(parsed.issues, `resources.${key}.config`));
  }
  if (problems.length > 0) throw invalid(problems);
  return { nodeConfig, resourceConfig, secrets };

  function resolve(value: unknown, where: string): unknown {
    try {
      const resolved = resolveEnvRefs(value, where);
      secrets.push(...resolved.secrets);
      return resolved.value;
    } catch (error) {
      if (isOrchError(error, ErrorCode.MISSING_ENV_VAR)) {
        problems.push(...((error.details?.["missing"] as string[]) ?? [error.message]));
        return FAILED;
      }
      throw error;
    }
  }
}

const FAILED = Symbol("failed");

function mergeConfig(base: unknown, override: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(override)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(override)) out[k] = mergeConfig(base[k], v);
    return out;
  }
  return override;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !("env" in value);
}

function invalid(lines: readonly string[]): OrchError {
  return new OrchError(ErrorCode.INVALID_RUN_CONFIG, `Invalid run config:\n  ${lines.join("\n  ")}`, { details: { issues: lines } });
}
