import type { z } from "zod";
import { ErrorCode, OrchError } from "./errors.ts";
import type { InstanceConfig } from "./instance-config.ts";
import type { PluginEntryKind, PluginRegistry, PluginSpec } from "./plugin.ts";
import { formatZodIssues } from "./zod-issues.ts";
import { parseKnownKeys } from "./zod-unknown-keys.ts";

/** What orch.yaml refuses with (its YAML, its keys, an entry's config). */
export const INVALID_INSTANCE_CONFIG = "INVALID_INSTANCE_CONFIG";

/** The registry's entry an orch.yaml choice names; an unknown name is refused at its line, listing the registered ones. */
export function findEntry<K extends PluginEntryKind>(
  registry: PluginRegistry,
  kind: K,
  type: string,
  keyPath: readonly (string | number)[],
  config: InstanceConfig,
): NonNullable<PluginSpec[K]>[string] {
  try {
    return registry.get(kind, type);
  } catch (error) {
    const known = registry.names(kind);
    const label = keyLabel(keyPath);
    throw new OrchError(
      ErrorCode.UNKNOWN_PLUGIN_ENTRY,
      `${config.source.locate([...keyPath, "type"])}: ${label}.type "${type}" is not registered. Registered: ${known.join(", ") || "(none)"}. Plugins are registered by listing their module under \`plugins:\` in ${config.source.path}.`,
      { cause: error, details: { path: config.source.path, key: `${label}.type`, known } },
    );
  }
}

/** Validates an entry's `config` with its factory's schema; every problem is refused at its orch.yaml line, unknown keys with the closest key. */
export function parseEntryConfig(schema: z.ZodType, value: unknown, type: string, keyPath: readonly (string | number)[], config: InstanceConfig): unknown {
  const label = keyLabel(keyPath);
  const parsed = parseKnownKeys(schema, value);
  if (!parsed.success) {
    throw new OrchError(
      INVALID_INSTANCE_CONFIG,
      `${config.source.path}: ${label} "${type}" config has ${plural(parsed.issues.length, "problem")}:\n${describeIssues(parsed.issues, `${label}.config`, (p) => config.source.locate([...keyPath, "config", ...p]))}`,
      { details: { path: config.source.path, key: `${label}.config` } },
    );
  }
  return parsed.data;
}

/** `io.managers.warehouse_io`, `loggers[0]`. */
export function keyLabel(keyPath: readonly (string | number)[]): string {
  return keyPath.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
}

export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix: string, locate: (path: readonly PropertyKey[]) => string): string {
  const texts = formatZodIssues(issues, prefix);
  return issues
    .map((issue, i) => {
      const keyPath = issue.code === "unrecognized_keys" && issue.keys[0] !== undefined ? [...issue.path, issue.keys[0]] : issue.path;
      return `  - ${locate(keyPath)} ${texts[i]}`;
    })
    .join("\n");
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
