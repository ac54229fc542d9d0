import { readFileSync } from "node:fs";
import { asset, defineDefinitions, materialize, memoryStorage } from "@orch/core";
import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { manifestPath } from "../../test/fixtures.ts";
import { parseManifest } from "../manifest/parse-manifest.ts";
import { dbtAssets } from "./dbt-assets.ts";
import { dbtContractSchema } from "./contract-schema.ts";
import { contractDType } from "./contract-types.ts";

// No fixture enforces a contract, so the real versioned-model manifest gets one the way a dbt user would write it.
function withContract() {
  const doc = JSON.parse(readFileSync(manifestPath("cosmos_model_versions-v10.json"), "utf8"));
  const v2 = doc.nodes["model.jaffle_shop.customers.v2"];
  v2.contract = { enforced: true };
  const types: Record<string, string> = { customer_id: "integer", first_name: "varchar(255)", last_name: "text", first_order: "date", most_recent_order: "timestamp_tz", number_of_orders: "bigint", total_order_amount: "numeric(10,2)" };
  for (const [name, column] of Object.entries<any>(v2.columns)) column.data_type = types[name] ?? "varchar";
  v2.columns.customer_id.constraints = [{ type: "not_null" }];
  v2.constraints = [{ type: "primary_key", columns: ["customer_id"] }];
  return parseManifest(doc);
}

describe("dbtContractSchema", () => {
  it("maps adapter data types to dataframe dtypes", () => {
    expect(["integer", "BIGINT", "varchar(20)", "text", "numeric(10,2)", "numeric", "boolean", "date", "timestamp", "timestamp_tz", "float", "double", "double precision"].map((t) => contractDType(t))).toEqual([
      { kind: "int32" }, { kind: "int64" }, { kind: "utf8" }, { kind: "utf8" }, { kind: "decimal", precision: 10, scale: 2 }, { kind: "float64" }, { kind: "boolean" },
      { kind: "date" }, { kind: "datetime", timezone: null }, { kind: "datetime", timezone: "UTC" }, { kind: "float64" }, { kind: "float64" }, { kind: "float64" },
    ]);
    expect(contractDType("geography")).toBeUndefined();
  });

  it("turns an enforced contract into a schema, from the manifest or from dbtAssets, by name or version", async () => {
    const manifest = withContract();
    const schema = await dbtContractSchema(manifest, "customers");
    expect(Object.keys(schema.columns)).toContain("total_order_amount");
    const spec = (name: string) => (schema.columns as unknown as Record<string, { spec: { dtype: unknown; nullable: boolean; checks: readonly unknown[] } }>)[name]?.spec;
    expect(spec("customer_id")).toMatchObject({ dtype: { kind: "int32" }, nullable: false });
    expect(spec("total_order_amount")).toMatchObject({ dtype: { kind: "decimal", precision: 10, scale: 2 }, nullable: true });
    expect(spec("most_recent_order")?.dtype).toEqual({ kind: "datetime", unit: "us", timezone: "UTC" });
    const fromAssets = await dbtContractSchema(dbtAssets({ manifest }), "customers_v2");
    expect(Object.keys(fromAssets.columns)).toEqual(Object.keys(schema.columns));
    await expect(dbtContractSchema(manifest, "customers.v1")).rejects.toThrow('dbt model "customers.v1" (model.jaffle_shop.customers.v1) has no enforced contract');
    await expect(dbtContractSchema(manifest, "custmers")).rejects.toThrow('dbt model "custmers" is not in this dbt project');
  });

  it("names the column and type it cannot map", async () => {
    const doc = JSON.parse(readFileSync(manifestPath("jaffle_shop-v12.json"), "utf8"));
    const orders = doc.nodes["model.jaffle_shop.orders"];
    orders.contract.enforced = true;
    for (const column of Object.values<any>(orders.columns)) column.data_type = "integer";
    orders.columns.status.data_type = "geography";
    await expect(dbtContractSchema(parseManifest(doc), "orders")).rejects.toThrow(/dbt model "orders" column "status": data_type "geography" has no dataframe type; expected one of .*bigint/);
    const schema = await dbtContractSchema(parseManifest(doc), "orders", { dataTypes: { geography: { kind: "utf8" } } });
    expect(Object.keys(schema.columns)).toContain("status");
  });

  it("checks a downstream TypeScript asset's input at the step boundary", async () => {
    const doc = JSON.parse(readFileSync(manifestPath("jaffle_shop-v12.json"), "utf8"));
    const orders = doc.nodes["model.jaffle_shop.orders"];
    orders.contract.enforced = true;
    orders.columns = { order_id: { name: "order_id", data_type: "integer", constraints: [{ type: "primary_key" }] }, status: { name: "status", data_type: "varchar" } };
    const schema = await dbtContractSchema(parseManifest(doc), "orders");
    const table = (ids: number[]) => pl.DataFrame({ order_id: pl.Series("order_id", ids, pl.Int32), status: ["placed", "shipped"] });
    const run = async (ids: number[]) => {
      const warehouse = asset({ key: "orders", compute: () => table(ids) });
      const report = asset({ key: "report", ins: { orders: { asset: "orders", schema } }, compute: ({ ins }) => (ins.orders as pl.DataFrame).height });
      const result = await materialize(defineDefinitions({ assets: [warehouse, report] }), { instance: memoryStorage() });
      return { result, events: await result.instance.getEvents(result.runId) };
    };
    expect((await run([1, 2])).result.status).toBe("SUCCESS");
    const duplicate = await run([1, 1]);
    expect(duplicate.result.status).toBe("FAILURE");
    const check = duplicate.events.find((e) => e.type === "STEP_INPUT_TYPE_CHECK" || e.type === "STEP_FAILURE");
    expect(JSON.stringify(check)).toMatch(/order_id/);
  });
});
