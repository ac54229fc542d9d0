import { describe, expect, it } from "vitest";
import { z } from "zod";
import { asset } from "../asset.ts";
import { defineDefinitions } from "../definitions.ts";
import { builtinInstancePlugin, createFromInstanceConfig, parseInstanceConfig } from "../instance-config.ts";
import { definePlugin, PluginRegistry } from "../plugin.ts";
import { defineResource } from "../resource.ts";
import { SerializerRegistry } from "../serializer.ts";
import { memoryStorage } from "../storage/index.ts";
import { materialize } from "./materialize.ts";

describe("unknown config keys are refused before any step runs", () => {
  const computed: string[] = [];
  const cleaned = asset({
    key: "cleaned",
    config: z.object({ dropUnknownTypes: z.boolean().default(false), limits: z.object({ rows: z.number() }).optional() }),
    resources: ["warehouse"],
    compute: () => void computed.push("cleaned"),
  });
  const warehouse = defineResource({ config: z.object({ url: z.string(), poolSize: z.number().default(4) }), create: (c) => c })({ url: "db://x", poolsize: 8 });
  const defs = defineDefinitions({ assets: [cleaned], resources: { warehouse } });

  it("in asset config and resource config (given in code or in run config), with the path and the closest key", async () => {
    const instance = memoryStorage();
    const error = await materialize(defs, {
      instance,
      runConfig: { assets: { cleaned: { config: { dropUnknownType: true, limits: { row: 5 } } } }, resources: { warehouse: { config: { urll: "db://y" } } } },
    }).then(() => undefined, (e: unknown) => e as Error & { code: string });
    expect(error?.code).toBe("INVALID_RUN_CONFIG");
    expect(error?.message).toContain('assets.cleaned.config.dropUnknownType: unknown key "dropUnknownType". Did you mean "dropUnknownTypes"?');
    expect(error?.message).toContain('assets.cleaned.config.limits.row: unknown key "row". Did you mean "rows"?');
    expect(error?.message).toContain('resources.warehouse.config.poolsize: unknown key "poolsize". Did you mean "poolSize"?');
    expect(error?.message).toContain('resources.warehouse.config.urll: unknown key "urll". Did you mean "url"?');
    expect(computed).toEqual([]);
    expect(await instance.listRuns()).toEqual([]);
  });

  it("in the run config's own sections", async () => {
    const error = await materialize(defs, { runConfig: { asset: {} } }).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toContain('asset: unknown key "asset". Did you mean "assets"?');
  });

  it("in plugin config from orch.yaml, even when the plugin's schema is not strict", async () => {
    const plugin = definePlugin({
      name: "fast",
      core: "^0.1.0",
      executors: { fast: { config: z.object({ maxWorkers: z.number().int().default(2) }), create: () => ({ name: "fast", execute: async () => [] }) } },
    });
    const registry = new PluginRegistry([builtinInstancePlugin, plugin]);
    const config = parseInstanceConfig("executor:\n  type: fast\n  config:\n    maxWorker: 4\n", "orch.yaml");
    await expect(createFromInstanceConfig(registry, "executor", config, { serializers: new SerializerRegistry(), baseDir: ".", instanceDir: ".orch" })).rejects.toThrow(
      /orch\.yaml:4:16 executor\.config\.maxWorker: unknown key "maxWorker"\. Did you mean "maxWorkers"\?/,
    );
  });

  it("accepts keys of loose objects and records", async () => {
    const loose = asset({ key: "loose", config: z.object({ tags: z.record(z.string(), z.string()), extra: z.looseObject({}) }), compute: () => 1 });
    const result = await materialize(defineDefinitions({ assets: [loose] }), { runConfig: { assets: { loose: { config: { tags: { any: "x" }, extra: { free: 1 } } } } } });
    expect(result.status).toBe("SUCCESS");
  });
});
