import { bindInstance, defineDefinitions, instanceBindings, parseInstanceConfig, PluginRegistry } from "@orch/core";
import { describe, expect, it } from "vitest";
import { slackPlugin } from "./plugin.ts";

describe("slackPlugin", () => {
  it("registers the slack resource for orch.yaml and refuses a misspelt key with the closest one", () => {
    const registry = new PluginRegistry([slackPlugin]);
    expect(registry.names("resources")).toEqual(["slack"]);
    const context = { serializers: undefined as never, baseDir: "/p", instanceDir: "/p/.orch" };
    const bound = bindInstance(defineDefinitions({}), instanceBindings(registry, parseInstanceConfig("resources:\n  slack: { type: slack, config: { token: xoxb-1 } }\n", "orch.yaml"), context));
    expect(bound.resources.get("slack")?.description).toBe("Slack Web API client");
    expect(() => instanceBindings(registry, parseInstanceConfig("resources:\n  slack: { type: slack, config: { tokn: xoxb-1 } }\n", "orch.yaml"), context)).toThrow(
      /orch\.yaml:2:\d+ resources\.slack\.config\.tokn: unknown key "tokn"\. Did you mean "token"\?/,
    );
  });
});
