import { tableIOManager, type IOManagerDefinition, type SchemaEvolution, type TableTypeHandler } from "@orch/core";
import { defaultTableTypeHandlers } from "@orch/dataframe";
import { resolve } from "node:path";
import { duckdbClient } from "./duckdb-client.ts";
import { openDuckDB } from "./duckdb-database.ts";

export interface DuckDBIOManagerOptions {
  /** The database file, relative to the project directory, or `:memory:`. */
  readonly path: string;
  /** DuckDB settings applied when the database opens. */
  readonly config?: Readonly<Record<string, string>>;
  /** Schema of single-segment asset keys. Default `main` (DuckDB's default schema). */
  readonly defaultSchema?: string;
  readonly schemaEvolution?: SchemaEvolution;
  /** Default: Polars DataFrame/LazyFrame, Arrow Table, row objects (an input without a declared type gets Polars). */
  readonly typeHandlers?: readonly TableTypeHandler[];
  readonly tempDir?: string;
}

/** The table IO manager on a DuckDB file: `ioManagers: { io: duckdbIOManager({ path: "warehouse.duckdb" }) }`. */
export function duckdbIOManager(options: DuckDBIOManagerOptions): IOManagerDefinition {
  return tableIOManager({
    client: async (context) => {
      const path = options.path === ":memory:" ? ":memory:" : resolve(context.baseDir, options.path);
      const open = { path, ...(options.config ? { config: options.config } : {}) };
      // An in-memory database lives as long as it is open: hold it for the run. A file is opened per operation,
      // so a dbt or other process can write it between steps.
      return duckdbClient(path === ":memory:" ? await openDuckDB(open) : open, options.tempDir ? { tempDir: options.tempDir } : {});
    },
    typeHandlers: options.typeHandlers ?? defaultDuckDBTypeHandlers(),
    defaultSchema: options.defaultSchema ?? "main",
    ...(options.schemaEvolution ? { schemaEvolution: options.schemaEvolution } : {}),
    ...(options.tempDir ? { tempDir: options.tempDir } : {}),
  });
}

/** Polars DataFrame/LazyFrame, Arrow Table, row objects: an input without a declared type gets a Polars frame. */
export function defaultDuckDBTypeHandlers(): TableTypeHandler[] {
  return defaultTableTypeHandlers();
}
