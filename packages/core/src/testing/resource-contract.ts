import { describe, expect, it } from "vitest";
import { isEnvVarRef, resolveEnvRefs } from "../env.ts";
import { makeStepLogger } from "../logger.ts";
import { isResourceDefinition, type ResourceContext, type ResourceDefinition } from "../resource.ts";
import { formatZodIssues } from "../zod-issues.ts";

export interface ResourceContractOptions<TValue> {
  /** The resource factory under test, e.g. `slackResource`. */
  factory: (config?: unknown) => ResourceDefinition<TValue, any>;
  /** Config as a user writes it; may hold `{ env: "NAME" }` references resolved from `env`. */
  validConfig: unknown;
  /** Config the schema must refuse with at least one issue that has a path. */
  invalidConfig: unknown;
  /** Environment used to resolve `{ env }` references (process.env is never read). */
  env?: Record<string, string>;
  /** Values of other resources named in `requires`. */
  resources?: Record<string, unknown>;
  /** Extra assertions on the created value. */
  expectValue?: (value: TValue) => void | Promise<void>;
}

/**
 * The shared suite every resource package runs first: the factory's shape, config validation, env references
 * kept out of the stored definition, and a create/teardown round trip.
 */
export function describeResourceContract<TValue>(name: string, options: ResourceContractOptions<TValue>): void {
  const env = options.env ?? {};
  const context = (): ResourceContext => ({
    runId: "contract-run",
    log: makeStepLogger(() => {}),
    resources: options.resources ?? {},
  });
  const definition = options.factory(options.validConfig);

  const parseValid = () => {
    const schema = definition.configSchema;
    if (!schema) throw new Error(`${name} has no config schema`);
    const resolved = resolveEnvRefs(definition.config, name, env);
    const parsed = schema.safeParse(resolved.value);
    if (!parsed.success) throw new Error(`${name} refused its valid config:\n${formatZodIssues(parsed.error.issues, name).join("\n")}`);
    return parsed.data;
  };

  describe(`${name}: resource contract`, () => {
    it("returns a resource definition with a zod config schema", () => {
      expect(isResourceDefinition(definition)).toBe(true);
      expect(definition.kind).toBe("orch.resource");
      expect(typeof definition.create).toBe("function");
      expect(typeof definition.configSchema?.safeParse).toBe("function");
    });

    it("accepts the valid config once env references are resolved, and creates a value", async () => {
      const value = await definition.create(parseValid(), context());
      expect(value).toBeDefined();
      await options.expectValue?.(value);
      await definition.teardown?.(value, context());
    });

    it("refuses the invalid config with an issue that names a path", () => {
      const raw = options.factory(options.invalidConfig).config;
      const parsed = definition.configSchema?.safeParse(resolveEnvRefs(raw, name, env).value);
      expect(parsed?.success).toBe(false);
      expect(parsed?.error?.issues.some((issue) => issue.path.length > 0)).toBe(true);
    });

    it("keeps env references, not their values, in the definition", () => {
      expect(definition.config).toEqual(options.validConfig);
      const stored = JSON.stringify(definition);
      for (const ref of envRefsIn(options.validConfig)) {
        const secret = env[ref];
        if (secret !== undefined && secret.length > 0) expect(stored).not.toContain(secret);
        expect(stored).toContain(JSON.stringify(ref));
      }
    });

    if (definition.teardown) {
      it("can be torn down right after create", async () => {
        const value = await definition.create(parseValid(), context());
        await expect(Promise.resolve(definition.teardown!(value, context()))).resolves.toBeUndefined();
      });
    }
  });
}

function envRefsIn(value: unknown): string[] {
  if (isEnvVarRef(value)) return [value.env];
  if (Array.isArray(value)) return value.flatMap(envRefsIn);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(envRefsIn);
  return [];
}
