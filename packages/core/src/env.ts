import { ErrorCode, OrchError } from "./errors.ts";

/** A config value read from the environment at run time: `{ env: "NAME" }`. */
export interface EnvVarRef {
  readonly env: string;
  /** Used when the variable is unset; a missing variable without a default is an error. */
  readonly default?: string;
}

export function isEnvVarRef(value: unknown): value is EnvVarRef {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return typeof (value as EnvVarRef).env === "string" && keys.every((k) => k === "env" || k === "default");
}

/** A config value written by users: a literal or an env reference, recursively. */
export type WithEnv<T> = T extends string | number | boolean
  ? T | EnvVarRef
  : T extends readonly (infer U)[]
    ? readonly WithEnv<U>[]
    : T extends object
      ? { [K in keyof T]: WithEnv<T[K]> }
      : T;

export interface ResolvedConfig {
  value: unknown;
  /** Values that came from the environment: redacted from logs. */
  secrets: string[];
}

/**
 * Replaces every `{ env }` reference with the variable's value. The raw config (with references) is what gets
 * stored; the resolved one only lives in memory.
 */
export function resolveEnvRefs(raw: unknown, where: string, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  const secrets: string[] = [];
  const missing: string[] = [];
  const walk = (value: unknown, path: string): unknown => {
    if (isEnvVarRef(value)) {
      const found = env[value.env] ?? value.default;
      if (found === undefined) {
        missing.push(`${path}: environment variable ${value.env} is not set`);
        return undefined;
      }
      if (env[value.env] !== undefined && found.length > 0) secrets.push(found);
      return found;
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, `${path}[${i}]`));
    if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, path ? `${path}.${k}` : k);
      return out;
    }
    return value;
  };
  const value = walk(raw, where);
  if (missing.length > 0) {
    throw new OrchError(ErrorCode.MISSING_ENV_VAR, `Config for ${where} needs environment variables:\n  ${missing.join("\n  ")}`, {
      details: { missing },
    });
  }
  return { value, secrets };
}

/** Masks secret values in free text (log lines, error messages). Longest first, so a secret inside another goes too. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 4) out = out.split(secret).join("***");
  }
  return out;
}

/**
 * Masks secret values in every string of a JSON-like value (events: error messages and stacks, metadata, check
 * descriptions), at any depth. Returns the value itself when there is nothing to mask.
 */
export function redactSecretsDeep<T>(value: T, secrets: readonly string[]): T {
  const masked = secrets.filter((s) => s.length >= 4);
  if (masked.length === 0) return value;
  const walk = (item: unknown): unknown => {
    if (typeof item === "string") return redactSecrets(item, masked);
    if (Array.isArray(item)) return item.map(walk);
    if (typeof item === "object" && item !== null && Object.getPrototypeOf(item) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(item)) out[redactSecrets(k, masked)] = walk(v);
      return out;
    }
    return item;
  };
  return walk(value) as T;
}
