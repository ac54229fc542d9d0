import { definePlugin, tableIOManagerConfigShape } from "@orch/core";
import { z } from "zod";
import { duckdbIOManager } from "./duckdb-io-manager.ts";
import { duckdbResource } from "./duckdb-resource.ts";

/** `io.managers.<key>: { type: duckdb, config }` in orch.yaml: the options of `duckdbIOManager` that are data. */
export const duckdbIOManagerConfig = z
  .object({
    /** The database file, relative to orch.yaml's folder, or `:memory:`. */
    path: z.string().min(1, "a DuckDB file path (or :memory:) is required"),
    /** DuckDB settings applied when the database opens, e.g. `{ threads: 4, memory_limit: "2GB" }`. */
    config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
    ...tableIOManagerConfigShape,
    tempDir: z.string().min(1).optional(),
  })
  .strict();

/** Registers the `duckdb` resource and the `duckdb` IO manager by name, for orch.yaml (`plugins: ["@orch/duckdb"]`). */
export const duckdbPlugin = definePlugin({
  name: "duckdb",
  core: "^0.1.0",
  resources: { duckdb: (config, context) => duckdbResource(config, context ? { baseDir: context.baseDir } : {}) },
  ioManagers: {
    duckdb: {
      description: "Each asset a table in a DuckDB file (the table IO manager)",
      config: duckdbIOManagerConfig,
      create: (config: z.output<typeof duckdbIOManagerConfig>, context) => duckdbIOManager(config).create(context),
    },
  },
});
