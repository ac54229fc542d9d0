import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { asset } from "./asset.ts";
import { defineDefinitions, type Definitions } from "./definitions.ts";
import type { IOManager } from "./io-manager.ts";
import { bindInstance, instanceBindings } from "./instance-bindings.ts";
import { parseInstanceConfig } from "./instance-config.ts";
import { materialize } from "./execution/materialize.ts";
import { definePlugin, PluginRegistry } from "./plugin.ts";
import { defineResource } from "./resource.ts";
import { refusal } from "./refusal.test-support.ts";
import { memoryStorage } from "./storage/index.ts";

const SECRET = "orch-yaml-secret-5f1d";
const context = { serializers: undefined as never, baseDir: "/project", instanceDir: "/project/.orch" };

/** A plugin whose resource and IO manager record what they were given and when they were torn down. */
function recordingPlugin() {
  const seen = { resources: [] as unknown[], torn: [] as string[], stored: new Map<string, unknown>(), baseDirs: [] as string[] };
  const bucket = defineResource({
    config: z.object({ name: z.string(), token: z.string().optional() }),
    create: (config) => {
      seen.resources.push(config);
      return config;
    },
    teardown: (value) => void seen.torn.push(`resource ${value.name}`),
  });
  const plugin = definePlugin({
    name: "recording",
    core: "^0.1.0",
    resources: { bucket: (config, ctx) => (ctx && seen.baseDirs.push(ctx.baseDir), bucket(config)) },
    ioManagers: {
      shelf: {
        config: z.object({ prefix: z.string(), password: z.string().optional() }).strict(),
        create: (config: { prefix: string; password?: string | undefined }): IOManager => ({
          handleOutput: async (ctx, value) => void seen.stored.set(`${config.prefix}/${ctx.assetKey!.join("/")}`, value),
          loadInput: async (ctx) => seen.stored.get(`${config.prefix}/${ctx.upstreamOutput.assetKey!.join("/")}`),
          teardown: () => void seen.torn.push(`io ${config.prefix}`),
        }),
      },
    },
  });
  return { plugin, seen };
}

function bind(yaml: string, definitions: Definitions, registry: PluginRegistry): Definitions {
  return bindInstance(definitions, instanceBindings(registry, parseInstanceConfig(yaml, "orch.yaml"), context));
}

afterEach(() => {
  delete process.env["ORCH_YAML_SECRET"];
});

describe("orch.yaml resources and IO managers", () => {
  const orders = asset({ key: "orders", ioManager: "warehouse_io", resources: ["bucket"], compute: ({ resources }) => [(resources["bucket"] as { name: string }).name] });
  const total = asset({ key: "total", ins: { orders }, ioManager: "warehouse_io", compute: ({ ins }) => (ins.orders as string[]).length });

  it("binds keys the definitions reference and do not bind, runs with them and tears them down after the run", async () => {
    const { plugin, seen } = recordingPlugin();
    const definitions = defineDefinitions({ assets: [orders, total] });
    expect(definitions.unbound.map((u) => `${u.kind} ${u.key}`)).toEqual(["resource bucket", "ioManager warehouse_io", "ioManager warehouse_io"]);
    const yaml = ["resources:", "  bucket: { type: bucket, config: { name: dev } }", "io:", "  managers:", "    warehouse_io: { type: shelf, config: { prefix: lake } }"].join("\n");
    const bound = bind(yaml, definitions, new PluginRegistry([plugin]));

    const result = await materialize(bound);
    expect(result.status).toBe("SUCCESS");
    expect([...seen.stored]).toEqual([["lake/orders", ["dev"]], ["lake/total", 1]]);
    expect(seen.baseDirs).toEqual(["/project"]);
    expect(seen.torn).toEqual(["resource dev", "io lake"]);
  });

  it("replaces the definitions' binding of the same key and says so in the run's log", async () => {
    const { plugin, seen } = recordingPlugin();
    const codeShelf: IOManager = { handleOutput: async () => expect.fail("the definitions' IO manager was used"), loadInput: async () => undefined };
    const definitions = defineDefinitions({ assets: [orders], resources: { bucket: { name: "code" } }, ioManagers: { warehouse_io: codeShelf } });
    const yaml = ["resources:", "  bucket: { type: bucket, config: { name: prod } }", "io:", "  managers:", "    warehouse_io: { type: shelf, config: { prefix: prod } }"].join("\n");
    const bound = bind(yaml, definitions, new PluginRegistry([plugin]));
    expect(bound.instance?.replaced).toEqual([
      'resource "bucket" is bound by orch.yaml:2:11 (type bucket), in place of the definitions\' own "bucket"',
      'IO manager "warehouse_io" is bound by orch.yaml:5:19 (type shelf), in place of the definitions\' own "warehouse_io"',
    ]);

    const instance = memoryStorage();
    const result = await materialize(bound, { instance });
    expect(result.status).toBe("SUCCESS");
    expect(seen.stored.get("prod/orders")).toEqual(["prod"]);
    const logs = (await instance.getEvents(result.runId)).flatMap((e) => (e.type === "LOG" ? [e.message] : []));
    expect(logs).toContain('Resource "bucket" is bound by orch.yaml:2:11 (type bucket), in place of the definitions\' own "bucket".');
  });

  it("refuses an unknown type at its line, listing the registered names", () => {
    const { plugin } = recordingPlugin();
    const registry = new PluginRegistry([plugin]);
    const yaml = ["io:", "  managers:", "    warehouse_io: { type: duckdb }"].join("\n");
    const r = refusal(() => bind(yaml, defineDefinitions({}), registry));
    expect(r.code).toBe("UNKNOWN_PLUGIN_ENTRY");
    expect(r.message).toContain('orch.yaml:3:27: io.managers.warehouse_io.type "duckdb" is not registered. Registered: shelf.');
    const resource = refusal(() => bind("resources:\n  bucket: { type: s3 }\n", defineDefinitions({}), registry));
    expect(resource.message).toContain('orch.yaml:2:19: resources.bucket.type "s3" is not registered. Registered: bucket.');
  });

  it("validates config with the factory's schema: unknown keys refused with the closest key, at their line", () => {
    const { plugin } = recordingPlugin();
    const registry = new PluginRegistry([plugin]);
    const io = refusal(() => bind(["io:", "  managers:", "    warehouse_io:", "      type: shelf", "      config: { prefx: lake }"].join("\n"), defineDefinitions({}), registry));
    expect(io.code).toBe("INVALID_INSTANCE_CONFIG");
    expect(io.message).toContain('io.managers.warehouse_io "shelf" config has 2 problems');
    expect(io.message).toContain('orch.yaml:5:24 io.managers.warehouse_io.config.prefx: unknown key "prefx". Did you mean "prefix"?');
    // A resource schema that is not strict still refuses the typo.
    const res = refusal(() => bind(["resources:", "  bucket:", "    type: bucket", "    config: { name: a, tokn: b }"].join("\n"), defineDefinitions({}), registry));
    expect(res.message).toContain('orch.yaml:4:30 resources.bucket.config.tokn: unknown key "tokn". Did you mean "token"?');
  });

  it("reads { env: NAME } values as secrets, masked in the run's events, and refuses a missing variable at its line", async () => {
    const { plugin } = recordingPlugin();
    const registry = new PluginRegistry([plugin]);
    const leaky = asset({
      key: "leaky",
      resources: ["bucket"],
      compute: ({ resources, log }) => {
        log.info(`token is ${(resources["bucket"] as { token: string }).token}`);
        return 1;
      },
    });
    const yaml = ["resources:", "  bucket:", "    type: bucket", "    config: { name: a, token: { env: ORCH_YAML_SECRET } }"].join("\n");
    const missing = refusal(() => bind(yaml, defineDefinitions({ assets: [leaky] }), registry));
    expect(missing.message).toContain("orch.yaml:4:13: resources.bucket needs environment variables:\n  resources.bucket.config.token: environment variable ORCH_YAML_SECRET is not set");

    process.env["ORCH_YAML_SECRET"] = SECRET;
    const bound = bind(yaml, defineDefinitions({ assets: [leaky] }), registry);
    const instance = memoryStorage();
    const result = await materialize(bound, { instance });
    expect(result.status).toBe("SUCCESS");
    const text = JSON.stringify(await instance.getEvents(result.runId));
    expect(text).toContain("token is ***");
    expect(text).not.toContain(SECRET);
    // What is kept (and shown by the webserver) is the reference, never the value.
    expect(bound.resources.get("bucket")?.config).toEqual({ name: "a", token: { env: "ORCH_YAML_SECRET" } });
  });

  it("refuses an asset whose IO manager key is bound nowhere, naming the asset and key, before any run", async () => {
    const { plugin } = recordingPlugin();
    const registry = new PluginRegistry([plugin]);
    const definitions = defineDefinitions({ assets: [orders] });
    const yaml = ["resources:", "  bucket: { type: bucket, config: { name: a } }", "io:", "  managers:", "    warehouse: { type: shelf, config: { prefix: p } }"].join("\n");
    const r = refusal(() => bind(yaml, definitions, registry));
    expect(r.code).toBe("UNKNOWN_IO_MANAGER");
    expect(r.message).toBe(
      '[orch] Asset "orders" uses IO manager "warehouse_io", which is not defined. Defined IO managers: io, warehouse. Did you mean "warehouse"? Bind it in defineDefinitions({ ioManagers }) or under `io.managers:` in orch.yaml.',
    );
    // In code alone, materialize refuses it before the run is created.
    const instance = memoryStorage();
    await expect(materialize(definitions, { instance })).rejects.toMatchObject({ code: "MISSING_RESOURCE" });
    expect(await instance.listRuns()).toEqual([]);
  });
});
