import { defineDefinitions, type Definitions } from "@orch/core";
import { dbtResource } from "@orch/dbt";
import { customerLifetimeValue, here, jaffleShop } from "./assets.ts";
import { csvWarehouse } from "./csv-warehouse.ts";

export interface JaffleShopOptions {
  /** The dbt project (its target/manifest.json is read at build time); default `../dbt`. */
  readonly projectDir?: string;
  /** The dbt executable; default the fake dbt in `../dbt/fake-dbt` (see README to use a real one). */
  readonly executable?: string;
  /** Extra environment for dbt (the fake reads FAKE_DBT_FAIL to fail nodes). */
  readonly env?: Readonly<Record<string, string>>;
}

export function jaffleShopDefinitions(options: JaffleShopOptions = {}): Definitions {
  return defineDefinitions({
    assets: [jaffleShop, customerLifetimeValue],
    resources: {
      dbt: dbtResource({
        projectDir: options.projectDir ?? here("../dbt"),
        executable: options.executable ?? process.env["DBT_EXECUTABLE"] ?? here("../dbt/fake-dbt"),
        ...(options.env ? { env: { ...options.env } } : {}),
      }),
    },
    ioManagers: { io: csvWarehouse({ dir: here("../data") }) },
  });
}

export default jaffleShopDefinitions();
