// A TypeScript asset in the consumer project. run.js imports it with plain `node` (Node strips the types of
// files outside node_modules); defs.ts uses it for `orch materialize`.
import { threadId } from "node:worker_threads";
import { asset, output } from "@orch/core";

export interface Order {
  readonly id: number;
  readonly amount: number;
  readonly status: "placed" | "shipped" | "returned";
}

export const orders = asset({
  key: ["raw", "orders"],
  group: "sales",
  compute: (): Order[] => [
    { id: 1, amount: 12.5, status: "placed" },
    { id: 2, amount: 30, status: "shipped" },
    { id: 3, amount: 7.5, status: "returned" },
  ],
});

export const orderSummary = asset({
  key: "order_summary",
  group: "sales",
  ins: { orders },
  compute: ({ ins }) => {
    const kept = ins.orders.filter((order) => order.status !== "returned");
    const revenue = kept.reduce((sum, order) => sum + order.amount, 0);
    // threadId tells the threads check that the step ran on a worker (0 is the main thread).
    return output({ orders: kept.length, revenue }, { metadata: { revenue, threadId } });
  },
});
