// Warehouse tables as assets: a daily-partitioned Polars asset stored in DuckDB through the table IO manager, and a
// downstream asset that reads one day's slice back as a Polars frame. Run by integrations/duckdb's tests.
import pl from "nodejs-polars";
import { asset, dailyPartitions, defineDefinitions, materialize, memoryStorage } from "@orch/core";
import { col, frame } from "@orch/dataframe";
import { duckdbIOManager } from "@orch/duckdb";

const days = dailyPartitions({ start: "2024-01-01", end: "2024-01-08" });

const Orders = frame({
  order_id: col.int64(),
  amount: col.float64().min(0),
  ordered_at: col.datetime("ms", "UTC"),
});

// Stored as table `sales.orders` (key → schema.table); a partition is the slice `partitionExpr` selects.
export const orders = asset({
  key: ["sales", "orders"],
  partitions: days,
  metadata: { partitionExpr: "ordered_at" },
  output: Orders,
  compute: ({ timeWindow }) => {
    const start = Date.parse(timeWindow!.start);
    return pl.DataFrame({
      order_id: pl.Series("order_id", [1, 2, 3].map((i) => start / 1000 + i), pl.Int64),
      amount: pl.Series("amount", [10, 20, 30], pl.Float64),
      ordered_at: pl.Series("ordered_at", [1, 2, 3].map((h) => new Date(start + h * 3_600_000)), pl.Datetime("ms", "UTC")),
    });
  },
});

// Reads the same day of sales.orders (the input declares the frame schema, so it gets a Polars DataFrame).
export const dailyRevenue = asset({
  key: ["sales", "daily_revenue"],
  partitions: days,
  metadata: { partitionExpr: "day" },
  ins: { orders: { asset: orders, schema: Orders } },
  output: frame({ day: col.datetime("ms", "UTC"), revenue: col.float64() }),
  compute: ({ ins, timeWindow }) =>
    pl.DataFrame({
      day: pl.Series("day", [new Date(timeWindow!.start)], pl.Datetime("ms", "UTC")),
      revenue: pl.Series("revenue", [(ins.orders as pl.DataFrame).getColumn("amount").sum() as number], pl.Float64),
    }),
});

export function definitions(warehouse: string) {
  return defineDefinitions({ assets: [orders, dailyRevenue], ioManagers: { io: duckdbIOManager({ path: warehouse }) } });
}

export async function main(warehouse: string) {
  const instance = memoryStorage();
  const defs = definitions(warehouse);
  const runs = [];
  for (const partitionKey of ["2024-01-01", "2024-01-02", "2024-01-01"]) runs.push(await materialize(defs, { instance, partitionKey }));
  const events = (await Promise.all(runs.map((r) => instance.getEvents(r.runId)))).flat();
  const written = events.filter((e) => e.type === "ASSET_MATERIALIZATION" && e.assetKey.join("/") === "sales/orders").map((e) => (e as { metadata: Record<string, unknown> }).metadata);
  return { statuses: runs.map((r) => r.status), written };
}
