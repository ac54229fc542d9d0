import { asset, defineDefinitions, materialize, memoryStorage, type StoredEvent } from "@orch/core";
import { describe, expect, it } from "vitest";
import { FAKE_DBT, manifestPath, tempProject } from "../../test/fixtures.ts";
import { createDbtRunner } from "../runner/dbt-runner.ts";
import type { DbtModelOutput } from "./dbt-assets.ts";
import { dbtAssets } from "./dbt-assets.ts";

// End to end through the kernel: the fake dbt builds jaffle_shop, TypeScript assets read dbt models downstream.
const dbt = dbtAssets({ manifest: manifestPath("jaffle_shop-v12.json"), select: "package:jaffle_shop" });
const ordersReport = asset({ key: "orders_report", ins: { orders: { asset: "orders" } }, compute: ({ ins }) => `report on ${(ins.orders as DbtModelOutput).relation}` });
const paymentsReport = asset({ key: "payments_report", ins: { payments: { asset: "stg_payments" } }, compute: ({ ins }) => (ins.payments as DbtModelOutput).rowsAffected });
const customersReport = asset({ key: "customers_report", ins: { customers: { asset: "customers" } }, compute: ({ ins }) => (ins.customers as DbtModelOutput).uniqueId });

async function run(env: Record<string, string>) {
  const defs = defineDefinitions({
    assets: [dbt, ordersReport, paymentsReport, customersReport],
    resources: { dbt: createDbtRunner({ projectDir: tempProject(), executable: FAKE_DBT, env }) },
  });
  const instance = memoryStorage();
  const result = await materialize(defs, { instance });
  const events = await instance.getEvents(result.runId);
  const of = <T extends StoredEvent["type"]>(type: T) => events.filter((e): e is Extract<StoredEvent, { type: T }> => e.type === type);
  const materialized = of("ASSET_MATERIALIZATION").map((e) => e.assetKey.join("/")).sort();
  const skipped = of("STEP_SKIPPED").map((e) => e.stepKey).sort();
  return { result, of, materialized, skipped };
}

describe("dbt assets in a run", () => {
  it("materializes every model and the TypeScript assets downstream, with check evaluations", async () => {
    const { result, of, materialized } = await run({});
    expect(result.status).toBe("SUCCESS");
    expect(materialized).toEqual(["customers", "customers_report", "daily_orders", "orders", "orders_report", "payments_report", "raw_customers", "raw_orders", "raw_payments", "stg_customers", "stg_orders", "stg_payments"]);
    const checks = of("ASSET_CHECK_EVALUATION");
    expect(checks).toHaveLength(20);
    expect(checks.every((c) => c.passed)).toBe(true);
  });

  it("partly fails: what built is stored, what reads the failed model is skipped, the run fails", async () => {
    const { result, of, materialized, skipped } = await run({ FAKE_DBT_FAIL: "model.jaffle_shop.stg_orders" });
    expect(result.status).toBe("FAILURE");
    // stg_payments and the seeds built; orders, customers and daily_orders were skipped by dbt after stg_orders failed.
    expect(materialized).toEqual(["payments_report", "raw_customers", "raw_orders", "raw_payments", "stg_customers", "stg_payments"]);
    expect(skipped).toEqual(["customers_report", "orders_report"]);
    const failure = of("STEP_FAILURE")[0];
    expect(failure?.error.message).toMatch(/dbt build failed for 4 of 9 selected models: stg_orders \(error: Database Error/);
    expect(of("STEP_RETRY")).toHaveLength(0);
  });

  it("a failing error-severity dbt test fails its check and skips the TypeScript assets downstream", async () => {
    const { result, of, materialized, skipped } = await run({ FAKE_DBT_FAIL: "test.jaffle_shop.unique_customers_customer_id.c5af1ff4b1" });
    expect(result.status).toBe("FAILURE");
    const evaluation = of("ASSET_CHECK_EVALUATION").find((c) => c.checkName === "unique_customers_customer_id");
    expect(evaluation).toMatchObject({ assetKey: ["customers"], passed: false, severity: "error", blocking: true, metadata: { "dbt/status": "fail", "dbt/failures": 3 } });
    expect(materialized).toContain("customers");
    expect(materialized).not.toContain("customers_report");
    expect(skipped).toContain("customers_report");
    expect(of("STEP_SKIPPED").find((e) => e.stepKey === "customers_report")?.reason).toBe('a blocking check on asset "customers" failed');
    expect(of("RUN_FAILURE")[0]?.reason).toBe("Blocking checks failed on customers");
  });
});
