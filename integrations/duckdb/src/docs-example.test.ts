import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDuckDB } from "./duckdb-database.ts";

const dir = mkdtempSync(join(tmpdir(), "orch-duckdb-docs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("docs/concepts/examples/table-io-managers.example.ts", () => {
  it("writes two days, rewrites the first in place, and reads each day's slice downstream", async () => {
    const { main } = await import("../../../docs/concepts/examples/table-io-managers.example.ts");
    const warehouse = join(dir, "warehouse.duckdb");
    const { statuses, written } = await main(warehouse);
    expect(statuses).toEqual(["SUCCESS", "SUCCESS", "SUCCESS"]);
    expect(written[0]).toMatchObject({
      table: "sales.orders",
      rows: 3,
      predicate: "ordered_at >= TIMESTAMPTZ '2024-01-01T00:00:00Z' AND ordered_at < TIMESTAMPTZ '2024-01-02T00:00:00Z'",
      createdTable: true,
    });
    const database = await openDuckDB({ path: warehouse });
    const connection = await database.connect();
    const rows = (await connection.runAndReadAll("SELECT count(*)::INTEGER AS n FROM warehouse.sales.orders")).getRowObjectsJS();
    const revenue = (await connection.runAndReadAll("SELECT strftime(day, '%Y-%m-%d') AS day, revenue FROM warehouse.sales.daily_revenue ORDER BY day")).getRowObjectsJS();
    database.release();
    expect(rows).toEqual([{ n: 6 }]);
    expect(revenue).toEqual([{ day: "2024-01-01", revenue: 60 }, { day: "2024-01-02", revenue: 60 }]);
  });
});
