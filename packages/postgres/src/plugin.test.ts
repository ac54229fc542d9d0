import { PluginRegistry } from "@orch/core";
import { describe, expect, inject, it } from "vitest";
import { postgresPlugin, type PostgresStorage } from "./index.ts";

const url = inject("pgUrl");

describe("postgresPlugin", () => {
  it("registers a `postgres` storage whose url comes from the environment", async () => {
    const factory = new PluginRegistry([postgresPlugin]).get("storages", "postgres");
    process.env["ORCH_PG_URL_TEST"] = url;
    const config = factory.config.parse({ url: { env: "ORCH_PG_URL_TEST" }, schema: "plugin_env", poolSize: 2 });
    const storage = (await factory.create(config, { instanceDir: "/unused" } as never)) as PostgresStorage;
    expect(storage.schema).toBe("plugin_env");
    await storage.setState("ns", "k", "v");
    expect(await storage.getState("ns", "k")).toBe("v");
    await storage.close();
  });

  it("names the missing environment variable", async () => {
    const factory = new PluginRegistry([postgresPlugin]).get("storages", "postgres");
    const config = factory.config.parse({ url: { env: "ORCH_PG_URL_UNSET_FOR_TEST" } });
    await expect(factory.create(config, { instanceDir: "/unused" } as never)).rejects.toThrow(/ORCH_PG_URL_UNSET_FOR_TEST is not set/);
  });

  it("refuses a schema name that is not a plain identifier, with its config path", () => {
    const result = postgresPlugin.storages.postgres.config.safeParse({ url: "postgres://x", schema: "Orch; DROP" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["schema"]);
  });
});
