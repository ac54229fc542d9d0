import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PluginRegistry } from "@orch/core";
import { afterAll, describe, expect, it } from "vitest";
import { defaultInstanceDir, sqlitePlugin, sqliteStorageFromHome, type SqliteStorage } from "./index.ts";

const home = mkdtempSync(join(tmpdir(), "orch-sqlite-home-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("sqlitePlugin", () => {
  it("registers a `sqlite` storage whose relative path lives in the instance home", async () => {
    const registry = new PluginRegistry([sqlitePlugin]);
    const factory = registry.get("storages", "sqlite");
    const config = factory.config.parse({ path: "custom.db", durability: "power" });
    const storage = (await factory.create(config, { instanceDir: home } as never)) as SqliteStorage;
    expect(storage.path).toBe(join(home, "custom.db"));
    expect(storage.inspect().synchronous).toBe("FULL");
    await storage.close();
  });

  it("refuses an unknown durability with the config path in the issue", () => {
    const result = sqlitePlugin.storages.sqlite.config.safeParse({ durability: "disk" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["durability"]);
  });
});

describe("sqliteStorageFromHome", () => {
  it("opens <dir>/orch.db, creating the folder", async () => {
    const storage = sqliteStorageFromHome(join(home, "nested", ".orch"));
    expect(storage.path).toBe(join(home, "nested", ".orch", "orch.db"));
    await storage.setState("ns", "k", "v");
    await storage.close();
  });

  it("defaults to ORCH_HOME, else .orch in the working directory", () => {
    expect(defaultInstanceDir({ ORCH_HOME: "/srv/orch" }, "/work")).toBe("/srv/orch");
    expect(defaultInstanceDir({ ORCH_HOME: "rel" }, "/work")).toBe("/work/rel");
    expect(defaultInstanceDir({}, "/work")).toBe("/work/.orch");
  });
});
