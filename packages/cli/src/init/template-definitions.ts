// The TypeScript files `orch init` writes: a few assets (one of them partitioned by day), a blocking check
// and a vitest test of them. Kept as text so the published CLI carries them in its dist/ build.

export const DEFINITIONS = `import { asset, assetCheck, dailyPartitions, defineDefinitions, output } from "@orch/core";

/** Partitions are plain values: one per day from the start date to yesterday. */
export const days = dailyPartitions({ start: "2024-01-01" });

/** Exchange rates to EUR, not partitioned: every day's revenue reads the same table. */
export const exchangeRates = asset({
  key: ["raw", "exchange_rates"],
  group: "sales",
  description: "EUR per unit of each currency (replace with your source).",
  compute: (): Record<string, number> => ({ EUR: 1, USD: 0.92, GBP: 1.17 }),
});

export interface Order {
  id: string;
  amount: number;
  currency: string;
}

/** One day of orders. Replace the sample rows with a read from your database or API. */
export const orders = asset({
  key: ["raw", "orders"],
  group: "sales",
  partitions: days,
  compute: ({ partitionKey, log }): Order[] => {
    const rows: Order[] = [
      { id: \`\${partitionKey}-1\`, amount: 12.5, currency: "EUR" },
      { id: \`\${partitionKey}-2\`, amount: 40, currency: "USD" },
      { id: \`\${partitionKey}-3\`, amount: 7.25, currency: "GBP" },
    ];
    log.info(\`fetched \${rows.length} orders for \${partitionKey}\`);
    return rows;
  },
});

/** A failing blocking check stops the day's revenue from being computed from bad orders. */
export const positiveAmounts = assetCheck({
  asset: orders,
  name: "positive_amounts",
  blocking: true,
  partitions: days,
  check: ({ value }) => {
    const bad = value.filter((order) => !(order.amount > 0));
    return { passed: bad.length === 0, description: \`\${bad.length} orders without a positive amount\`, metadata: { ids: bad.map((o) => o.id) } };
  },
});

/** Revenue in EUR for each day (\`ins\` are typed from the upstream assets); metadata shows in \`orch asset show\`. */
export const dailyRevenue = asset({
  key: "daily_revenue",
  group: "sales",
  partitions: days,
  ins: { orders, rates: exchangeRates },
  compute: ({ ins }) => {
    const eur = Math.round(ins.orders.reduce((sum, order) => sum + order.amount * (ins.rates[order.currency] ?? Number.NaN), 0) * 100) / 100;
    return output({ eur, orders: ins.orders.length }, { metadata: { eur } });
  },
});

export default defineDefinitions({
  assets: [exchangeRates, orders, dailyRevenue],
  checks: [positiveAmounts],
});
`;

export const DEFINITIONS_TEST = `import { materialize, memoryStorage } from "@orch/core";
import { describe, expect, it } from "vitest";
import definitions from "./definitions.ts";

describe("definitions", () => {
  it("checks a day's orders, then computes its revenue in EUR", async () => {
    const instance = memoryStorage();
    const result = await materialize(definitions, { instance, partitionKey: "2024-01-01" });
    expect(result.status).toBe("SUCCESS");
    const checks = await instance.getAssetEvents("raw/orders", ["ASSET_CHECK_EVALUATION"]);
    expect(checks).toEqual([expect.objectContaining({ checkName: "positive_amounts", passed: true })]);
    const [revenue] = await instance.getAssetEvents("daily_revenue", ["ASSET_MATERIALIZATION"]);
    expect(revenue).toMatchObject({ partition: "2024-01-01", metadata: { eur: 57.78 } });
  });
});
`;
