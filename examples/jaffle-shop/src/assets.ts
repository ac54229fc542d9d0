import { fileURLToPath } from "node:url";
import { asset, output } from "@orch/core";
import { dbtAssets } from "@orch/dbt";
import type { Row } from "./csv-warehouse.ts";

export const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** jaffle_shop's seeds and models as assets, with its dbt tests as asset checks. */
export const jaffleShop = dbtAssets({ manifest: here("../dbt/target/manifest.json"), select: "package:jaffle_shop" });

export interface LifetimeValueSummary {
  readonly customers: number;
  readonly totalLifetimeValue: number;
  readonly topCustomers: readonly { readonly customerId: number; readonly name: string; readonly lifetimeValue: number }[];
}

/** A TypeScript asset downstream of the dbt model `customers`: the top customers by lifetime value. */
export const customerLifetimeValue = asset({
  key: ["analytics", "customer_lifetime_value"],
  group: "analytics",
  description: "Top customers by lifetime value, read from the dbt model customers.",
  ins: { customers: { asset: "customers" } },
  compute: ({ ins }) => {
    const rows = ins.customers as Row[];
    const value = (row: Row) => Number(row["customer_lifetime_value"] ?? 0);
    const sorted = [...rows].sort((a, b) => value(b) - value(a));
    const summary: LifetimeValueSummary = {
      customers: rows.length,
      totalLifetimeValue: rows.reduce((sum, row) => sum + value(row), 0),
      topCustomers: sorted.slice(0, 3).map((row) => ({ customerId: Number(row["customer_id"]), name: `${row["first_name"]} ${row["last_name"]}`, lifetimeValue: value(row) })),
    };
    return output(summary, { metadata: { customers: summary.customers, total_lifetime_value: summary.totalLifetimeValue, top_customer: summary.topCustomers[0]?.name ?? null } });
  },
});
