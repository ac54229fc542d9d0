import { fileURLToPath } from "node:url";
import pl from "nodejs-polars";
import { asset, output } from "@orch/core";
import { col, frame } from "@orch/dataframe";
import { dbtAssets } from "@orch/dbt";

export const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** jaffle_shop's seeds and models as assets, with its dbt tests as asset checks. */
export const jaffleShop = dbtAssets({ manifest: here("../dbt/target/manifest.json"), select: "package:jaffle_shop" });

/** The dbt model `customers` as its table holds it (checked when the TypeScript asset loads it). */
export const Customers = frame(
  {
    customer_id: col.int64().unique(),
    first_name: col.utf8(),
    last_name: col.utf8(),
    first_order: col.date().nullable(),
    most_recent_order: col.date().nullable(),
    number_of_orders: col.int64().nullable().min(0),
    customer_lifetime_value: col.float64().nullable().min(0),
  },
  { name: "Customers" },
);

export const TopCustomers = frame(
  { customer_id: col.int64(), name: col.utf8(), lifetime_value: col.float64().min(0) },
  { name: "TopCustomers", rows: { max: 3 } },
);

/**
 * A TypeScript asset downstream of the dbt model `customers`: it reads the model's table from the warehouse as a
 * Polars frame (through the table IO manager) and stores the top three customers by lifetime value as a table.
 */
export const customerLifetimeValue = asset({
  key: ["analytics", "customer_lifetime_value"],
  group: "analytics",
  description: "Top customers by lifetime value, read from the dbt model customers.",
  ins: { customers: { asset: "customers", schema: Customers } },
  output: TopCustomers,
  compute: ({ ins }) => {
    const customers = ins.customers as pl.DataFrame;
    const top = customers
      .sort("customer_lifetime_value", true, true)
      .head(3)
      .select(
        pl.col("customer_id"),
        pl.concatString([pl.col("first_name"), pl.col("last_name")], " ").alias("name"),
        pl.col("customer_lifetime_value").fillNull(0).alias("lifetime_value"),
      );
    const total = customers.getColumn("customer_lifetime_value").sum() as number;
    return output(top, { metadata: { customers: customers.height, total_lifetime_value: total, top_customer: (top.getColumn("name").get(0) as string | undefined) ?? null } });
  },
});
