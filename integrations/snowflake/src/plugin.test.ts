import { bindInstance, defineDefinitions, instanceBindings, isIOManagerDefinition, parseInstanceConfig, PluginRegistry } from "@orch/core";
import { afterEach, describe, expect, it } from "vitest";
import { snowflakePlugin } from "./plugin.ts";

const context = { serializers: undefined as never, baseDir: "/project", instanceDir: "/project/.orch" };
const registry = new PluginRegistry([snowflakePlugin]);
const connection = "{ account: acme-prod, username: ETL, password: { env: ORCH_SF_PASSWORD } }";

afterEach(() => {
  delete process.env["ORCH_SF_PASSWORD"];
});

describe("snowflakePlugin", () => {
  it("registers the snowflake resource and IO manager, bound by orch.yaml with secrets read from the environment", () => {
    expect([registry.names("resources"), registry.names("ioManagers")]).toEqual([["snowflake"], ["snowflake"]]);
    process.env["ORCH_SF_PASSWORD"] = "sf-secret-value";
    const yaml = ["resources:", `  warehouse: { type: snowflake, config: ${connection} }`, "io:", "  managers:", `    warehouse_io: { type: snowflake, config: { connection: ${connection}, defaultSchema: MART } }`].join("\n");
    const bound = bindInstance(defineDefinitions({}), instanceBindings(registry, parseInstanceConfig(yaml, "orch.yaml"), context));
    expect(bound.instance?.secrets).toContain("sf-secret-value");
    expect(bound.resources.get("warehouse")?.config).toEqual({ account: "acme-prod", username: "ETL", password: { env: "ORCH_SF_PASSWORD" } });
    expect(isIOManagerDefinition(bound.ioManagers.get("warehouse_io"))).toBe(true);
  });

  it("refuses a connection the schema rejects, at its orch.yaml line", () => {
    process.env["ORCH_SF_PASSWORD"] = "x";
    const yaml = ["io:", "  managers:", "    warehouse_io:", "      type: snowflake", "      config: { connection: { account: acme, username: ETL, authenticator: OAUTH } }"].join("\n");
    expect(() => instanceBindings(registry, parseInstanceConfig(yaml, "orch.yaml"), context)).toThrow(/orch\.yaml:5:\d+ io\.managers\.warehouse_io\.config\.connection(\.token)?: .*token/);
  });
});
