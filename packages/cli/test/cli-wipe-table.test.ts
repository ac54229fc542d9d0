import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempProject } from "./fixture.ts";

// A table IO manager on a client that records its SQL: wipe must name the table from the asset's metadata and
// never drop one the warehouse built.
const DEFS = `
import { appendFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { asset, defineDefinitions, tableIOManager, rowsTypeHandler } from "@orch/core";
const log = fileURLToPath(new URL("./sql.log", import.meta.url));
const client = {
  name: "recording",
  formats: ["rows"],
  validateName: () => undefined,
  quoteIdentifier: (name) => '"' + name + '"',
  literal: (value) => "'" + value + "'",
  timestampLiteral: (iso) => "'" + iso + "'",
  columnType: (type) => type,
  transaction: async (work) => work({
    execute: async (sql) => { appendFileSync(log, sql + "\\n"); return {}; },
    writeBatch: async () => ({}),
    describeTable: async () => undefined,
  }),
  readSlice: async () => { throw new Error("wipe reads nothing"); },
};
const renamed = asset({ key: ["sales", "orders"], metadata: { schema: "mart", table: "orders_v2" }, ioManager: "warehouse", compute: () => [] });
const built = asset({ key: ["sales", "by_dbt"], metadata: { writtenBy: "warehouse" }, ioManager: "warehouse", compute: () => [] });
export default defineDefinitions({ assets: [renamed, built], ioManagers: { warehouse: tableIOManager({ client, typeHandlers: [rowsTypeHandler()] }) } });
`;

describe("orch asset wipe on a table IO manager", () => {
  it("drops the table the asset's metadata names, and keeps one the warehouse built, saying so", async () => {
    const project = await tempProject("module: ./defs.ts\n", DEFS);
    const wiped = await project.run(["asset", "wipe", "sales/orders", "sales/by_dbt"]);
    expect(wiped.code, wiped.stderr).toBe(0);
    const log = join(project.dir, "sql.log");
    expect(existsSync(log)).toBe(true);
    expect(readFileSync(log, "utf8")).toBe('DROP TABLE IF EXISTS "mart"."orders_v2"\n');
    expect(wiped.stdout).toContain('Wiped sales/orders (index and stored values in IO manager "warehouse")');
    expect(wiped.stdout).toContain('Wiped sales/by_dbt (index only: IO manager "warehouse" kept its stored values: the warehouse built table "sales"."by_dbt"');
  }, 60_000);
});
