import { definePlugin } from "@orch/core";
import { slackResource } from "./slack-resource.ts";

/** Registers the `slack` resource by name, for orch.yaml (`plugins: ["@orch/slack"]`, `resources: { slack: { type: slack, ... } }`). */
export const slackPlugin = definePlugin({
  name: "slack",
  core: "^0.1.0",
  resources: { slack: (config) => slackResource(config) },
});
