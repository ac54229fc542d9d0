import { bindInstance, defineDefinitions, instanceBindings, isIOManagerDefinition, parseInstanceConfig, PluginRegistry } from "@orch/core";
import { describe, expect, it } from "vitest";
import { bigqueryPlugin } from "./plugin.ts";

const context = { serializers: undefined as never, baseDir: "/project", instanceDir: "/project/.orch" };
const registry = new PluginRegistry([bigqueryPlugin]);

describe("bigqueryPlugin", () => {
  it("registers the bigquery resource and IO manager, bound by orch.yaml with their config validated", () => {
    expect([registry.names("resources"), registry.names("ioManagers")]).toEqual([["bigquery"], ["bigquery"]]);
    const yaml = [
      "resources:",
      "  warehouse: { type: bigquery, config: { projectId: acme, location: EU } }",
      "io:",
      "  managers:",
      "    warehouse_io: { type: bigquery, config: { connection: { projectId: acme, accessToken: t }, defaultSchema: mart } }",
    ].join("\n");
    const bound = bindInstance(defineDefinitions({}), instanceBindings(registry, parseInstanceConfig(yaml, "orch.yaml"), context));
    expect(bound.resources.get("warehouse")?.config).toEqual({ projectId: "acme", location: "EU" });
    expect(isIOManagerDefinition(bound.ioManagers.get("warehouse_io"))).toBe(true);
  });

  it("refuses a misspelt key with the closest one, at its orch.yaml line", () => {
    const yaml = ["io:", "  managers:", "    warehouse_io: { type: bigquery, config: { conection: { projectId: acme } } }"].join("\n");
    expect(() => instanceBindings(registry, parseInstanceConfig(yaml, "orch.yaml"), context)).toThrow(/orch\.yaml:3:\d+ io\.managers\.warehouse_io\.config\.conection: unknown key "conection"\. Did you mean "connection"\?/);
  });
});
