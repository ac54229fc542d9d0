import { definePlugin, tableIOManagerConfigShape } from "@orch/core";
import { z } from "zod";
import { snowflakeConfig } from "./snowflake-config.ts";
import { snowflakeIOManager } from "./snowflake-io-manager.ts";
import { snowflakeResource } from "./snowflake-resource.ts";

/** `io.managers.<key>: { type: snowflake, config }` in orch.yaml: the options of `snowflakeIOManager` that are data. */
export const snowflakeIOManagerConfig = z
  .object({
    /** As the `snowflake` resource's config; secrets as `{ env: NAME }`. */
    connection: snowflakeConfig,
    ...tableIOManagerConfigShape,
  })
  .strict();

/** Registers the `snowflake` resource and the `snowflake` IO manager by name, for orch.yaml (`plugins: ["@orch/snowflake"]`). */
export const snowflakePlugin = definePlugin({
  name: "snowflake",
  core: "^0.1.0",
  resources: { snowflake: snowflakeResource },
  ioManagers: {
    snowflake: {
      description: "Each asset a Snowflake table (the table IO manager)",
      config: snowflakeIOManagerConfig,
      create: (config: z.output<typeof snowflakeIOManagerConfig>, context) => snowflakeIOManager(config).create(context),
    },
  },
});
