import { defineDefinitions, type Definitions } from "@orch/core";
import { dbtResource, dbtTableTypeHandler } from "@orch/dbt";
import { defaultDuckDBTypeHandlers, duckdbIOManager } from "@orch/duckdb";
import { customerLifetimeValue, here, jaffleShop } from "./assets.ts";

/** The fake dbt of @orch/dbt's tests: it runs each model's compiled SQL against FAKE_DBT_DUCKDB (see README). */
export const FAKE_DBT = here("../../../integrations/dbt/test/fake-dbt/dbt");

export interface JaffleShopOptions {
  /** The dbt project (its target/manifest.json is read at build time); default `../dbt`. */
  readonly projectDir?: string;
  /** The DuckDB file dbt builds and the TypeScript asset reads; default `../warehouse.duckdb`. */
  readonly warehouse?: string;
  /** The dbt executable; default the fake dbt (see README to use a real one). */
  readonly executable?: string;
  /** Extra environment for dbt (the fake reads FAKE_DBT_FAIL to fail nodes). */
  readonly env?: Readonly<Record<string, string>>;
}

export function jaffleShopDefinitions(options: JaffleShopOptions = {}): Definitions {
  const warehouse = options.warehouse ?? process.env["JAFFLE_WAREHOUSE"] ?? here("../warehouse.duckdb");
  const executable = options.executable ?? process.env["DBT_EXECUTABLE"] ?? FAKE_DBT;
  return defineDefinitions({
    assets: [jaffleShop, customerLifetimeValue],
    resources: {
      dbt: dbtResource({
        projectDir: options.projectDir ?? here("../dbt"),
        executable,
        // A real dbt reads the DuckDB path from its profile (dbt-duckdb's `path:`); the fake reads this variable.
        env: { ...(executable === FAKE_DBT ? { FAKE_DBT_DUCKDB: warehouse } : {}), ...options.env },
      }),
    },
    // dbt models are recorded where dbt built them (schema and table from the manifest); TypeScript assets are
    // written as tables in the same file, so lineage and data live in one warehouse.
    ioManagers: { io: duckdbIOManager({ path: warehouse, typeHandlers: [dbtTableTypeHandler(), ...defaultDuckDBTypeHandlers()] }) },
  });
}

export default jaffleShopDefinitions();
