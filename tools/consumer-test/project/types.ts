// Compiled by `tsc` in the consumer project against the published .d.ts files: the types must be real (an `any`
// would make the @ts-expect-error lines below unused, which tsc reports as errors).
import { asset, CORE_VERSION, type AssetDefinition } from "@orch/core";
import { dbtAssets, type DbtModelOutput } from "@orch/dbt";
import { orders, orderSummary, type Order } from "./order-summary.ts";

export const version: string = CORE_VERSION;
export const typedOrders: AssetDefinition<Order[]> = orders;
export const summaryInput = asset({
  key: "summary_check",
  ins: { summary: orderSummary, orders },
  compute: ({ ins }) => {
    const revenue: number = ins.summary.revenue;
    // @ts-expect-error an order's status is a union of literals, not a number
    const status: number = ins.orders[0]!.status;
    return { revenue, status };
  },
});
export const relation = (model: DbtModelOutput): string | null => model.relation;
// @ts-expect-error dbtAssets needs an options object
dbtAssets();
