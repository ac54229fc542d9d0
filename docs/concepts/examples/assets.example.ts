// docs/concepts/assets.md — a runnable example (run by packages/core/src/docs-examples.test.ts).
import { asset, defineDefinitions, defineResource, externalAsset, materialize, memoryStorage, multiAsset, output } from "@orch/core";
import { z } from "zod";

// A resource: a client with zod-validated config, set up once per run and torn down at its end.
const shop = defineResource({
  config: z.object({ currency: z.string().default("EUR") }),
  create: (config) => ({ currency: config.currency, fetchOrders: async () => [{ id: 1, amount: 20, status: "shipped" }, { id: 2, amount: 5, status: "returned" }] }),
});

// An external asset: produced elsewhere, observed but never materialized by orch.
export const fxRates = externalAsset<{ EUR: number }>({ key: ["vendor", "fx_rates"], group: "vendor" });

export const orders = asset({
  key: ["raw", "orders"],
  group: "sales",
  owners: ["sales-data@example.com"],
  resources: ["shop"],
  retry: { maxRetries: 2, delayMs: 100, backoff: "exponential" },
  compute: async ({ resources }) => {
    const rows: { id: number; amount: number; status: string }[] = await resources.shop.fetchOrders();
    return output(rows, { metadata: { rows: rows.length } });
  },
});

// A multi-asset: one compute, two asset keys.
export const split = multiAsset({
  name: "split_orders",
  group: "sales",
  ins: { orders },
  outs: { shipped: { key: ["orders", "shipped"] }, returned: { key: ["orders", "returned"] } },
  compute: ({ ins }) => ({
    shipped: ins.orders.filter((o) => o.status === "shipped"),
    returned: ins.orders.filter((o) => o.status === "returned"),
  }),
});

export const revenue = asset({
  key: "revenue",
  group: "finance",
  ins: { orders },
  deps: [split], // ordering only: wait for the split without reading it
  config: z.object({ vatRate: z.number().min(0).max(1).default(0.2) }),
  compute: ({ ins, config }) => ins.orders.filter((o) => o.status === "shipped").reduce((s, o) => s + o.amount * (1 - config.vatRate), 0),
});

export const definitions = defineDefinitions({
  assets: [fxRates, orders, split, revenue],
  resources: { shop: shop({ currency: "EUR" }) },
});

export async function main() {
  const instance = memoryStorage();
  const result = await materialize(definitions, { instance, selection: "+revenue", runConfig: { assets: { revenue: { config: { vatRate: 0.25 } } } } });
  const revenueEvent = (await instance.getAssetEvents("revenue", ["ASSET_MATERIALIZATION"]))[0];
  return { status: result.status, steps: result.run.stepKeys, revenueEvent };
}
