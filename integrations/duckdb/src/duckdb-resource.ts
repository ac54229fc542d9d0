import { defineResource, type ResourceDefinition } from "@orch/core";
import { resolve } from "node:path";
import { z } from "zod";
import { openDuckDB, type DuckDBDatabase } from "./duckdb-database.ts";

export const duckdbResourceConfig = z.object({
  /** A database file (relative to the working directory, or to orch.yaml's folder when bound there) or `:memory:`. */
  path: z.string().min(1, "a DuckDB file path (or :memory:) is required"),
  readOnly: z.boolean().default(false),
  /** DuckDB settings applied when the database opens, e.g. `{ threads: "4", memory_limit: "2GB" }`. */
  config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
});

export type DuckDBResourceConfig = z.input<typeof duckdbResourceConfig>;

export interface DuckDBResourceOptions {
  /** A relative `path` resolves against this folder (orch.yaml's folder when orch.yaml binds it). Default: the working directory. */
  readonly baseDir?: string;
}

/**
 * A DuckDB database for assets and ops under one resource key (by convention `duckdb`):
 * `resources: { duckdb: duckdbResource({ path: "warehouse.duckdb" }) }`; in compute,
 * `const connection = await resources.duckdb.connect()`. Steps of one run (and the DuckDB IO manager on the same
 * file) share one database; a second process that opens the file for writing gets DUCKDB_FILE_LOCKED.
 */
export function duckdbResource(config?: DuckDBResourceConfig | unknown, options: DuckDBResourceOptions = {}): ResourceDefinition<DuckDBDatabase, z.output<typeof duckdbResourceConfig>> {
  return defineResource({
    description: "DuckDB database",
    config: duckdbResourceConfig,
    create: (resolved) => {
      const path = resolved.path === ":memory:" || options.baseDir === undefined ? resolved.path : resolve(options.baseDir, resolved.path);
      return openDuckDB({ path, readOnly: resolved.readOnly, config: resolved.config });
    },
    teardown: (database) => database.release(),
  })(config);
}
