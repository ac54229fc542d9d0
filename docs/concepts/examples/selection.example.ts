// docs/concepts/selection.md — a runnable example (run by packages/core/src/docs-examples.test.ts).
import { asset, defineDefinitions, resolveSelection } from "@orch/core";

const rawOrders = asset({ key: "raw/orders", group: "ingest", kinds: ["json"], compute: () => [] });
const rawCustomers = asset({ key: "raw/customers", group: "ingest", kinds: ["json"], compute: () => [] });
const orders = asset({ key: "staging/orders", group: "staging", tags: { tier: "silver" }, ins: { rawOrders }, compute: () => [] });
const customers = asset({ key: "staging/customers", group: "staging", tags: { tier: "silver" }, ins: { rawCustomers }, compute: () => [] });
const revenue = asset({ key: "marts/revenue", group: "marts", owners: ["finance@example.com"], kinds: ["sql"], ins: { orders }, compute: () => 0 });
const ltv = asset({ key: "marts/ltv", group: "marts", owners: ["finance@example.com"], ins: { orders, customers }, compute: () => 0 });

export const definitions = defineDefinitions({ assets: [rawOrders, rawCustomers, orders, customers, revenue, ltv] });

/** Each selection with what it resolves to, in graph order. */
export function examples(): Record<string, string[]> {
  const selections = [
    "+marts/revenue", // revenue and everything upstream
    "raw/orders+", // raw orders and everything downstream
    "1+marts/ltv", // ltv and its direct parents
    "group:staging",
    "tag:tier=silver and not staging/customers",
    "owner:finance@example.com",
    "kind:json or kind:sql",
    "raw/*",
    "(+marts/ltv) and group:raw or group:ingest",
  ];
  return Object.fromEntries(selections.map((s) => [s, [...resolveSelection(definitions.graph, s)]]));
}
