import { definePlugin, tableIOManagerConfigShape } from "@orch/core";
import { z } from "zod";
import { bigqueryConfig } from "./bigquery-config.ts";
import { bigqueryIOManager } from "./bigquery-io-manager.ts";
import { bigqueryResource } from "./bigquery-resource.ts";

/** `io.managers.<key>: { type: bigquery, config }` in orch.yaml: the options of `bigqueryIOManager` that are data. */
export const bigqueryIOManagerConfig = z
  .object({
    /** As the `bigquery` resource's config; secrets as `{ env: NAME }`. */
    connection: bigqueryConfig,
    ...tableIOManagerConfigShape,
    tempDir: z.string().min(1).optional(),
  })
  .strict();

/** Registers the `bigquery` resource and the `bigquery` IO manager by name, for orch.yaml (`plugins: ["@orch/bigquery"]`). */
export const bigqueryPlugin = definePlugin({
  name: "bigquery",
  core: "^0.1.0",
  resources: { bigquery: bigqueryResource },
  ioManagers: {
    bigquery: {
      description: "Each asset a BigQuery table (the table IO manager)",
      config: bigqueryIOManagerConfig,
      create: (config: z.output<typeof bigqueryIOManagerConfig>, context) => bigqueryIOManager(config).create(context),
    },
  },
});
