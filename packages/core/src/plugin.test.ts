import { describe, expect, it } from "vitest";
import { z } from "zod";
import { definePlugin, PluginRegistry } from "./plugin.ts";
import { OrchError } from "./errors.ts";

const logger = { config: z.object({}), create: () => ({ name: "x", handle() {} }) };

describe("plugins", () => {
  it("refuses a core range that excludes the running core, with a code", () => {
    expect(() => definePlugin({ name: "old", core: "^9.0.0" })).toThrowError(
      expect.objectContaining({ code: "PLUGIN_CORE_VERSION_MISMATCH", message: expect.stringContaining('Plugin "old" supports @orch/core ^9.0.0') }),
    );
  });

  it("refuses a range that is not semver", () => {
    expect(() => definePlugin({ name: "bad", core: "latest please" })).toThrowError(expect.objectContaining({ code: "INVALID_PLUGIN" }));
  });

  it("refuses duplicate plugins and duplicate entries", () => {
    const a = definePlugin({ name: "a", core: "^0.1.0", loggers: { pretty: logger } });
    const b = definePlugin({ name: "b", core: "^0.1.0", loggers: { pretty: logger } });
    expect(() => new PluginRegistry([a, a])).toThrowError(expect.objectContaining({ code: "DUPLICATE_PLUGIN" }));
    expect(() => new PluginRegistry([a, b])).toThrowError(
      expect.objectContaining({ code: "DUPLICATE_PLUGIN_ENTRY", message: '[orch] Logger "pretty" is provided by both plugin "a" and plugin "b".' }),
    );
  });

  it("lists registered names when an unknown entry is asked for", () => {
    const a = definePlugin({ name: "a", core: "^0.1.0", loggers: { pretty: logger, json: logger } });
    const registry = new PluginRegistry([a]);
    expect(registry.get("loggers", "json")).toBe(logger);
    try {
      registry.get("loggers", "jsonl");
      throw new Error("expected a refusal");
    } catch (error) {
      expect(error).toBeInstanceOf(OrchError);
      expect((error as OrchError).code).toBe("UNKNOWN_PLUGIN_ENTRY");
      expect((error as OrchError).message).toBe('[orch] Unknown logger "jsonl". Registered: json, pretty.');
    }
  });

  it("refuses objects not made by definePlugin", () => {
    expect(() => new PluginRegistry([{ name: "x", core: "*" } as never])).toThrowError(expect.objectContaining({ code: "INVALID_PLUGIN" }));
  });
});
