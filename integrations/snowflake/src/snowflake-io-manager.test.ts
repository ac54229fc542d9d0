import pl from "nodejs-polars";
import type { Table } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asset, dailyPartitions, defineDefinitions, inProcessExecutor, materialize } from "@orch/core";
import { arrowInput, col, frame, isArrowTable, isPolarsDataFrame } from "@orch/dataframe";
import { startTestSnowflake, testConnection } from "../test/fake-snowflake/fixture.ts";
import type { FakeSnowflake } from "../test/fake-snowflake/server.ts";
import { snowflakeIOManager } from "./snowflake-io-manager.ts";

let server: FakeSnowflake;
beforeAll(async () => {
  server = await startTestSnowflake({ chunkRows: 1_000 });
});
afterAll(() => server.stop());

const Orders = frame({ order_id: col.int64(), amount: col.float64(), status: col.utf8(), ordered_at: col.datetime("ms", "UTC") });

const ordersFrame = (day: string, ids: number[]) =>
  pl.DataFrame({
    order_id: pl.Series("order_id", ids, pl.Int64),
    amount: pl.Series("amount", ids.map((i) => i * 1.5), pl.Float64),
    status: pl.Series("status", ids.map((i) => (i % 2 ? "placed" : "shipped")), pl.Utf8),
    ordered_at: pl.Series("ordered_at", ids.map((i) => new Date(`${day}T0${i % 10}:00:00Z`)), pl.Datetime("ms", "UTC")),
  });

describe("snowflakeIOManager", () => {
  it("writes Polars frames per day, replaces one day in place, and reads Polars and Arrow downstream", async () => {
    const partitions = dailyPartitions({ start: "2024-01-01", end: "2024-01-05" });
    const orders = asset({
      key: ["sales", "orders"],
      partitions,
      output: Orders,
      metadata: { partitionExpr: "ordered_at" },
      compute: ({ partitionKey }) => ordersFrame(partitionKey!, partitionKey === "2024-01-02" ? [4, 5] : [1, 2, 3]),
    });
    let polarsIn: unknown;
    let arrowIn: unknown;
    const summary = asset({
      key: ["sales", "summary"],
      partitions,
      ins: { orders: { asset: orders, schema: Orders } },
      metadata: { partitionExpr: "day" },
      compute: ({ ins, timeWindow }) => {
        polarsIn = ins.orders;
        return [{ day: new Date(timeWindow!.start), orders: (ins.orders as pl.DataFrame).height }];
      },
    });
    const arrow = asset({
      key: ["sales", "arrow_reader"],
      partitions,
      ins: { orders: { asset: orders, schema: arrowInput(Orders) } },
      metadata: { partitionExpr: "day" },
      compute: ({ ins, timeWindow }) => {
        arrowIn = ins.orders;
        return [{ day: new Date(timeWindow!.start), orders: (ins.orders as Table).numRows }];
      },
    });
    const definitions = defineDefinitions({ assets: [orders, summary, arrow], ioManagers: { io: snowflakeIOManager({ connection: testConnection(server) }) } });
    for (const partitionKey of ["2024-01-01", "2024-01-02"]) expect((await materialize(definitions, { partitionKey, selection: "sales/orders" })).success).toBe(true);
    const rewrite = await materialize(definitions, { partitionKey: "2024-01-01", executor: inProcessExecutor({ maxConcurrency: 3 }) });
    expect(rewrite.success).toBe(true);
    expect(isPolarsDataFrame(polarsIn)).toBe(true);
    expect((polarsIn as pl.DataFrame).height).toBe(3);
    expect(isArrowTable(arrowIn)).toBe(true);
    expect((arrowIn as Table).numRows).toBe(3);
    expect(await server.duckdb(`SELECT count(*)::INTEGER AS n FROM sales.orders`)).toEqual([{ n: 5 }]);
    expect(await server.duckdb(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'orders' ORDER BY ordinal_position`)).toEqual([
      { column_name: "order_id", data_type: "DECIMAL(38,0)" },
      { column_name: "amount", data_type: "DOUBLE" },
      { column_name: "status", data_type: "VARCHAR" },
      { column_name: "ordered_at", data_type: "TIMESTAMP WITH TIME ZONE" },
    ]);
    const materialization = (await rewrite.instance.getEvents(rewrite.runId)).find((e) => e.type === "ASSET_MATERIALIZATION" && e.stepKey === "sales/orders");
    const metadata = (materialization as { metadata: Record<string, unknown> }).metadata;
    expect(metadata).toMatchObject({ table: "sales.orders", rows: 3, predicate: "ordered_at >= '2024-01-01T00:00:00Z'::TIMESTAMP_TZ AND ordered_at < '2024-01-02T00:00:00Z'::TIMESTAMP_TZ" });
    expect(server.queries.some((q) => q.queryId === metadata["queryId"] && q.sqlText.startsWith('INSERT INTO "sales"."orders"'))).toBe(true);
    const tags = server.queries.filter((q) => q.sqlText.startsWith('INSERT INTO "sales"."orders"')).map((q) => JSON.parse(q.queryTag!) as Record<string, string>);
    expect(tags.at(-1)).toEqual({ orch_run_id: rewrite.runId, orch_asset: "sales/orders" });
  });

  it("sends a large frame in a few array-bound INSERT requests, never one per row, and reads it back through result chunks", async () => {
    const rows = 25_000;
    const big = asset({
      key: ["bulk", "events"],
      compute: () => pl.DataFrame({ id: pl.Series("id", Array.from({ length: rows }, (_, i) => i), pl.Int64), label: pl.Series("label", Array.from({ length: rows }, (_, i) => `e${i}`), pl.Utf8) }),
    });
    let height = 0;
    const reader = asset({ key: ["bulk", "reader"], ins: { events: big }, compute: ({ ins }) => [{ n: (height = (ins.events as pl.DataFrame).height) }] });
    const before = server.requests.length;
    const result = await materialize(defineDefinitions({ assets: [big, reader], ioManagers: { io: snowflakeIOManager({ connection: testConnection(server, { bindValuesPerRequest: 20_000 }) }) } }));
    const failure = (await result.instance.getEvents(result.runId)).find((e) => e.type === "STEP_FAILURE");
    expect(failure).toBeUndefined();
    const inserts = server.queries.filter((q) => q.sqlText.startsWith('INSERT INTO "bulk"."events"'));
    // 25,000 rows × 2 columns in requests of 20,000 values.
    expect(inserts.map((q) => q.binds)).toEqual([10_000, 10_000, 5_000]);
    expect(height).toBe(rows);
    expect(server.requests.slice(before).filter((r) => r.startsWith("GET /fake-chunks/")).length).toBe(24);
    expect(await server.duckdb(`SELECT count(*)::INTEGER AS n, max(id)::INTEGER AS top FROM bulk.events`)).toEqual([{ n: rows, top: rows - 1 }]);
  });
});
