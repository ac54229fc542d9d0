// Plain JavaScript run with `node run.js` (no flags, no loader): the published builds of @orch/core and @orch/dbt
// load a dbt manifest into assets beside the TypeScript assets of order-summary.ts, and materialize those.
import { defineDefinitions, materialize, memoryStorage } from "@orch/core";
import { dbtAssets, dbtResource } from "@orch/dbt";
import { orders, orderSummary } from "./order-summary.ts";

const jaffleShop = dbtAssets({ manifest: "./manifest.json", select: "package:jaffle_shop" });
// The dbt runner is only started for dbt steps; this run selects none, so no dbt executable is needed.
const definitions = defineDefinitions({ assets: [jaffleShop, orders, orderSummary], resources: { dbt: dbtResource({ projectDir: "." }) } });
const instance = memoryStorage();
const result = await materialize(definitions, { instance, selection: "+order_summary" });
const [materialization] = await instance.getAssetEvents("order_summary", ["ASSET_MATERIALIZATION"]);
console.log(
  JSON.stringify({
    dbtKeys: jaffleShop.specs.map((spec) => spec.key.join("/")).sort(),
    graphKeys: definitions.graph.specs().length,
    status: result.status,
    steps: result.plan.steps.map((step) => step.key),
    metadata: materialization?.type === "ASSET_MATERIALIZATION" ? materialization.metadata : null,
  }),
);
