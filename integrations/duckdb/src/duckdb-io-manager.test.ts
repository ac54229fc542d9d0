import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import type { Table } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { asset, dailyPartitions, defineDefinitions, inProcessExecutor, isOrchError, materialize } from "@orch/core";
import { describeResourceContract } from "@orch/core/testing";
import { arrowInput, col, frame, isArrowTable, isPolarsDataFrame } from "@orch/dataframe";
import { duckdbIOManager } from "./duckdb-io-manager.ts";
import { duckdbResource } from "./duckdb-resource.ts";
import { openDuckDB } from "./duckdb-database.ts";

const dir = mkdtempSync(join(tmpdir(), "orch-duckdb-io-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const Orders = frame({
  order_id: col.int64(),
  amount: col.float64(),
  status: col.utf8(),
  ordered_at: col.datetime("ms", "UTC"),
});

const ordersFrame = (day: string, ids: number[]) =>
  pl.DataFrame({
    order_id: pl.Series("order_id", ids, pl.Int64),
    amount: pl.Series("amount", ids.map((i) => i * 1.5), pl.Float64),
    status: pl.Series("status", ids.map((i) => (i % 2 ? "placed" : "shipped")), pl.Utf8),
    ordered_at: pl.Series("ordered_at", ids.map((i) => new Date(`${day}T0${i % 10}:00:00Z`)), pl.Datetime("ms", "UTC")),
  });

async function query(path: string, sql: string): Promise<Record<string, unknown>[]> {
  const database = await openDuckDB({ path });
  try {
    const connection = await database.connect();
    return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    database.release();
  }
}

describeResourceContract("duckdbResource", {
  factory: duckdbResource,
  validConfig: { path: ":memory:", config: { threads: 1 } },
  invalidConfig: { path: "" },
  expectValue: async (database) => {
    const connection = await database.connect();
    expect((await connection.runAndReadAll("SELECT 41 + 1 AS answer")).getRowObjectsJS()).toEqual([{ answer: 42 }]);
  },
});

describe("duckdbIOManager with frames", () => {
  it("creates the table from the output's frame schema and hands the downstream a Polars frame that passes it", async () => {
    // The file is named like the schema: DuckDB then needs names qualified with the catalog.
    const path = join(dir, "sales.duckdb");
    const orders = asset({ key: ["sales", "orders"], output: Orders, compute: () => ordersFrame("2024-01-01", [1, 2, 3]).lazy() });
    let received: unknown;
    const summary = asset({
      key: ["sales", "summary"],
      ins: { orders: { asset: orders, schema: Orders } },
      compute: ({ ins }) => {
        received = ins.orders;
        return (ins.orders as pl.DataFrame).groupBy("status").agg(pl.col("amount").sum()).sort("status");
      },
      output: frame({ status: col.utf8(), amount: col.float64() }),
    });
    const result = await materialize(defineDefinitions({ assets: [orders, summary], ioManagers: { io: duckdbIOManager({ path }) } }));
    expect(result.success).toBe(true);
    expect(isPolarsDataFrame(received)).toBe(true);
    expect(String((received as pl.DataFrame).getColumn("ordered_at").dtype)).toContain("Datetime");
    expect(await query(path, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'orders' ORDER BY ordinal_position")).toEqual([
      { column_name: "order_id", data_type: "BIGINT" },
      { column_name: "amount", data_type: "DOUBLE" },
      { column_name: "status", data_type: "VARCHAR" },
      { column_name: "ordered_at", data_type: "TIMESTAMP WITH TIME ZONE" },
    ]);
    expect(await query(path, "SELECT status, amount FROM sales.sales.summary ORDER BY status")).toEqual([
      { status: "placed", amount: 6 },
      { status: "shipped", amount: 3 },
    ]);
    const materialization = (await result.instance.getEvents(result.runId)).find((e) => e.type === "ASSET_MATERIALIZATION");
    expect((materialization as { metadata: Record<string, unknown> }).metadata).toMatchObject({ table: "sales.orders", rows: 3 });
  });

  it("gives an Arrow Table to an input that asks for one, and reads only the mapped day", async () => {
    const path = join(dir, "arrow.duckdb");
    const partitions = dailyPartitions({ start: "2024-01-01", end: "2024-01-05" });
    const daily = asset({
      key: ["sales", "daily"],
      partitions,
      output: Orders,
      metadata: { partitionExpr: "ordered_at" },
      compute: ({ partitionKey }) => ordersFrame(partitionKey!, partitionKey === "2024-01-02" ? [4, 5] : [1]),
    });
    let received: unknown;
    const reader = asset({
      key: ["sales", "arrow_reader"],
      partitions,
      ins: { daily: { asset: daily, schema: arrowInput(Orders) } },
      metadata: { partitionExpr: "day" },
      compute: ({ ins, timeWindow }) => {
        received = ins.daily;
        return [{ day: new Date(timeWindow!.start), rows: (ins.daily as Table).numRows }];
      },
    });
    const definitions = defineDefinitions({ assets: [daily, reader], ioManagers: { io: duckdbIOManager({ path }) } });
    for (const partitionKey of ["2024-01-01", "2024-01-02", "2024-01-03"]) expect((await materialize(definitions, { partitionKey, selection: "sales/daily" })).success).toBe(true);
    expect((await materialize(definitions, { partitionKey: "2024-01-02" })).success).toBe(true);
    expect(isArrowTable(received)).toBe(true);
    expect((received as Table).numRows).toBe(2);
    expect(await query(path, "SELECT count(*)::INTEGER AS n FROM sales.daily")).toEqual([{ n: 4 }]);
  });

  it("fails a write whose frame schema differs from the stored table, listing each column", async () => {
    const path = join(dir, "mismatch.duckdb");
    const first = asset({ key: ["m", "t"], output: Orders, compute: () => ordersFrame("2024-01-01", [1]) });
    expect((await materialize(defineDefinitions({ assets: [first], ioManagers: { io: duckdbIOManager({ path }) } }))).success).toBe(true);
    const Changed = frame({ order_id: col.utf8(), amount: col.float64(), status: col.utf8(), ordered_at: col.datetime("ms", "UTC") });
    const second = asset({
      key: ["m", "t"],
      output: Changed,
      compute: () => ordersFrame("2024-01-01", [2]).withColumns(pl.col("order_id").cast(pl.Utf8)),
    });
    const run = await materialize(defineDefinitions({ assets: [second], ioManagers: { io: duckdbIOManager({ path }) } }));
    expect(run.success).toBe(false);
    const failure = (await run.instance.getEvents(run.runId)).find((e) => e.type === "STEP_FAILURE") as { error: { code?: string; message: string } };
    expect(failure.error.code).toBe("TABLE_SCHEMA_MISMATCH");
    expect(failure.error.message).toMatch(/order_id\s+BIGINT\s+VARCHAR/);
    expect(await query(path, "SELECT order_id FROM m.t")).toEqual([{ order_id: 1n }]);
  });

  it("runs concurrent steps of one run on one shared database, next to a resource on the same file", async () => {
    const path = join(dir, "concurrent.duckdb");
    const branches = Array.from({ length: 6 }, (_, i) =>
      asset({ key: ["c", `branch_${i}`], output: Orders, compute: () => ordersFrame("2024-01-01", [i + 1, i + 2]) }),
    );
    const viaResource = asset({
      key: ["c", "via_resource"],
      resources: ["duckdb"],
      deps: branches,
      compute: async ({ resources }) => {
        const connection = await resources.duckdb.connect();
        try {
          const rows = (await connection.runAndReadAll(branches.map((_, i) => `SELECT count(*) AS n FROM c.branch_${i}`).join(" UNION ALL "))).getRowObjectsJS();
          return [{ total: (rows as Record<string, unknown>[]).reduce((sum: number, r) => sum + Number(r["n"]), 0) }];
        } finally {
          connection.closeSync();
        }
      },
    });
    const definitions = defineDefinitions({
      assets: [...branches, viaResource],
      resources: { duckdb: duckdbResource({ path }) },
      ioManagers: { io: duckdbIOManager({ path }) },
    });
    const result = await materialize(definitions, { executor: inProcessExecutor({ maxConcurrency: 6 }) });
    expect(result.success).toBe(true);
    expect(await query(path, "SELECT total FROM c.via_resource")).toEqual([{ total: 12n }]);
  });

  it("treats names that differ only in case as the same table, as DuckDB does", async () => {
    const path = join(dir, "case.duckdb");
    const upper = asset({ key: ["Sales", "Orders"], compute: () => [{ id: 1 }] });
    expect((await materialize(defineDefinitions({ assets: [upper], ioManagers: { io: duckdbIOManager({ path }) } }))).success).toBe(true);
    const lower = asset({ key: ["sales", "orders"], compute: () => [{ id: 2 }, { id: 3 }] });
    expect((await materialize(defineDefinitions({ assets: [lower], ioManagers: { io: duckdbIOManager({ path }) } }))).success).toBe(true);
    expect(await query(path, "SELECT id FROM sales.orders ORDER BY id")).toEqual([{ id: 2n }, { id: 3n }]);
  });

  it("refuses values no handler stores, naming the asset", async () => {
    const bad = asset({ key: ["bad_value"], compute: () => 42 });
    const run = await materialize(defineDefinitions({ assets: [bad], ioManagers: { io: duckdbIOManager({ path: ":memory:" }) } }));
    const failure = (await run.instance.getEvents(run.runId)).find((e) => e.type === "STEP_FAILURE") as { error: { code?: string; message: string } };
    expect(failure.error.code).toBe("TABLE_TYPE_UNSUPPORTED");
    expect(failure.error.message).toContain('"bad_value"');
    expect(isOrchError(new Error("x"))).toBe(false);
  });
});
