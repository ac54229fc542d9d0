import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isOrchError } from "./errors.ts";
import { builtinInstancePlugin, createFromInstanceConfig, createLoggersFromInstanceConfig, loadInstanceConfig, parseInstanceConfig } from "./instance-config.ts";
import { definePlugin, PluginRegistry } from "./plugin.ts";

const context = { serializers: undefined as never, baseDir: "/p", instanceDir: "/p/.orch" };

describe("instance config", () => {
  it("fills defaults for an empty file", () => {
    const config = parseInstanceConfig("", "orch.yaml");
    expect(config).toMatchObject({
      plugins: [],
      storage: { type: "sqlite", config: {} },
      executor: { type: "in_process", config: {} },
      io: {},
      retention: {},
      runs: { heartbeatMs: 5000, staleAfterMs: 30000 },
    });
    expect(config.module).toBeUndefined();
  });

  it("reads every section from a file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "orch-config-"));
    const path = join(dir, "orch.yaml");
    await writeFile(
      path,
      ["module: ./defs.ts", "plugins: ['@orch/threads']", "storage:", "  type: memory", "executor:", "  type: threads", "  config: { maxThreads: 2 }",
        "io: { baseDir: data }", "retention: { maxAgeDays: 7, maxEventRows: 1000 }", "runs: { maxConcurrent: 2 }"].join("\n"),
    );
    const config = await loadInstanceConfig(path);
    expect(config).toMatchObject({ module: "./defs.ts", plugins: ["@orch/threads"], storage: { type: "memory" }, executor: { type: "threads", config: { maxThreads: 2 } } });
    expect(config.retention).toEqual({ maxAgeDays: 7, maxEventRows: 1000 });
    expect(config.runs).toEqual({
      maxConcurrent: 2,
      heartbeatMs: 5000,
      staleAfterMs: 30000,
      tagConcurrencyLimits: [],
      retries: { maxRetries: 0, strategy: "from_failure", retryOnStepFailure: true },
    });
    expect(config.source.dir).toBe(dir);
  });

  it("lists every zod issue with its YAML path and line", () => {
    const text = ["storage:", "  type: 3", "retention:", "  maxAgeDays: -1", "executer: blue"].join("\n");
    const error = (() => {
      try {
        parseInstanceConfig(text, "orch.yaml");
      } catch (e) {
        return e;
      }
    })();
    expect(isOrchError(error, "INVALID_INSTANCE_CONFIG")).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain("orch.yaml has 3 problems:");
    expect(message).toMatch(/- orch\.yaml:2:9 storage\.type: .*string/);
    expect(message).toMatch(/- orch\.yaml:4:15 retention\.maxAgeDays: .*>0/);
    expect(message).toMatch(/- orch\.yaml:5:11 executer: unknown key "executer"\. Did you mean "executor"\?/);
  });

  it("reads resources and IO managers by key, and refuses a misspelt key at its line", () => {
    const config = parseInstanceConfig(
      ["resources:", "  warehouse: { type: duckdb, config: { path: ./w.duckdb } }", "io:", "  managers:", "    warehouse_io: { type: duckdb, config: { path: ./w.duckdb } }"].join("\n"),
      "orch.yaml",
    );
    expect(config.resources).toEqual({ warehouse: { type: "duckdb", config: { path: "./w.duckdb" } } });
    expect(config.io.managers).toEqual({ warehouse_io: { type: "duckdb", config: { path: "./w.duckdb" } } });
    expect(parseInstanceConfig("", "orch.yaml").io.managers).toEqual({});
    expect(() => parseInstanceConfig("io:\n  manager:\n    w: { type: duckdb }\n", "orch.yaml")).toThrow(/orch\.yaml:3:5 io\.manager: unknown key "manager"\. Did you mean "managers"\?/);
    expect(() => parseInstanceConfig("resources:\n  w: { typ: duckdb }\n", "orch.yaml")).toThrow(/orch\.yaml:2:\d+ resources\.w\.typ: unknown key "typ"\. Did you mean "type"\?/);
  });

  it("reads runs.retries, refusing a strategy it does not know and misspelt keys at their line", () => {
    expect(parseInstanceConfig("runs:\n  retries: { maxRetries: 3, strategy: all_steps }\n", "orch.yaml").runs.retries).toEqual({
      maxRetries: 3,
      strategy: "all_steps",
      retryOnStepFailure: true,
    });
    const text = ["runs:", "  retries:", "    maxRetries: -1", "    strategy: sometimes", "    retryOnStepFailures: false"].join("\n");
    let message = "";
    try {
      parseInstanceConfig(text, "orch.yaml");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("orch.yaml has 3 problems:");
    expect(message).toMatch(/- orch\.yaml:3:17 runs\.retries\.maxRetries: .*>=0/);
    expect(message).toMatch(/- orch\.yaml:4:15 runs\.retries\.strategy: .*"from_failure"\|"all_steps"/);
    expect(message).toMatch(/runs\.retries\.retryOnStepFailures: unknown key "retryOnStepFailures"\. Did you mean "retryOnStepFailure"\?/);
  });

  it("points at the line of a YAML syntax error", () => {
    expect(() => parseInstanceConfig("storage:\n  type: [memory\n", "orch.yaml")).toThrow(/orch\.yaml is not valid YAML:\n {2}- orch\.yaml:\d+:\d+: /);
  });

  it("creates built-ins and names the registered entries for an unknown one", async () => {
    const registry = new PluginRegistry([builtinInstancePlugin]);
    const storage = await createFromInstanceConfig(registry, "storage", parseInstanceConfig("storage: { type: memory }", "orch.yaml"), context);
    expect(storage.name).toBe("memory");
    const executor = await createFromInstanceConfig(registry, "executor", parseInstanceConfig("executor: { config: { maxConcurrency: 2 } }", "orch.yaml"), context);
    expect(executor.name).toBe("in_process");

    const unknown = parseInstanceConfig("storage:\n  type: postgres\n", "orch.yaml");
    await expect(createFromInstanceConfig(registry, "storage", unknown, context)).rejects.toThrow(
      'orch.yaml:2:9: storage.type "postgres" is not registered. Registered: memory.',
    );
  });

  it("validates a plugin's config with its own schema, at its YAML path", async () => {
    const plugin = definePlugin({
      name: "fast",
      core: "^0.1.0",
      executors: { fast: { config: z.object({ workers: z.number().int() }).strict(), create: () => ({ name: "fast", execute: async () => [] }) } },
    });
    const registry = new PluginRegistry([builtinInstancePlugin, plugin]);
    const bad = parseInstanceConfig("executor:\n  type: fast\n  config:\n    workers: many\n", "orch.yaml");
    await expect(createFromInstanceConfig(registry, "executor", bad, context)).rejects.toThrow(/executor "fast" config has 1 problem:\n {2}- orch\.yaml:4:14 executor\.config\.workers: /);
    const good = parseInstanceConfig("executor: { type: fast, config: { workers: 2 } }", "orch.yaml");
    expect((await createFromInstanceConfig(registry, "executor", good, context)).name).toBe("fast");
  });

  it("builds the loggers listed under loggers:, validating each config at its line", async () => {
    const seen: string[] = [];
    const shipping = definePlugin({
      name: "shipping",
      core: "^0.1.0",
      loggers: {
        ship: { config: z.object({ service: z.string() }).strict(), create: (config: { service: string }) => ({ name: `ship:${config.service}`, handle: (e: { type: string }) => void seen.push(e.type) }) },
      },
    });
    const registry = new PluginRegistry([builtinInstancePlugin, shipping]);
    const config = parseInstanceConfig("loggers:\n  - type: ship\n    config:\n      service: nightly\n", "orch.yaml");
    const [logger] = await createLoggersFromInstanceConfig(registry, config, context);
    expect(logger?.name).toBe("ship:nightly");

    const bad = parseInstanceConfig("loggers:\n  - type: ship\n    config:\n      service: 3\n", "orch.yaml");
    await expect(createLoggersFromInstanceConfig(registry, bad, context)).rejects.toThrowError(/orch\.yaml:4:\d+ loggers\[0\]\.config\.service: /);
    const unknown = parseInstanceConfig("loggers:\n  - type: datadog\n", "orch.yaml");
    await expect(createLoggersFromInstanceConfig(registry, unknown, context)).rejects.toThrowError('orch.yaml:2:11: loggers[0].type "datadog" is not registered. Registered: ship.');
  });
});
