import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { materialize, memoryStorage, type StoredEvent } from "@orch/core";
import { describe, expect, it } from "vitest";
import { jaffleShopDefinitions } from "./definitions.ts";

const exampleDir = fileURLToPath(new URL("..", import.meta.url));

/** A throwaway copy of the dbt project, so the fake dbt's run_results.json does not land in the example. */
function projectCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "jaffle-shop-"));
  cpSync(join(exampleDir, "dbt"), dir, { recursive: true });
  return dir;
}

async function run(env: Record<string, string> = {}) {
  const definitions = jaffleShopDefinitions({ projectDir: projectCopy(), env });
  const instance = memoryStorage();
  const result = await materialize(definitions, { instance });
  const events = await instance.getEvents(result.runId);
  const of = <T extends StoredEvent["type"]>(type: T) => events.filter((e): e is Extract<StoredEvent, { type: T }> => e.type === type);
  return { result, instance, of, materialized: of("ASSET_MATERIALIZATION").map((e) => e.assetKey.join("/")).sort() };
}

describe("jaffle shop", () => {
  it("builds the dbt project with the (fake) dbt, runs its tests as checks and the TypeScript asset downstream", async () => {
    const { result, instance, of, materialized } = await run();
    expect(result.status).toBe("SUCCESS");
    expect(materialized).toEqual([
      "analytics/customer_lifetime_value", "customers", "daily_orders", "orders", "raw_customers", "raw_orders", "raw_payments", "stg_customers", "stg_orders", "stg_payments",
    ]);
    const customers = of("ASSET_MATERIALIZATION").find((e) => e.assetKey.join("/") === "customers");
    expect(customers?.metadata).toMatchObject({ "dbt/unique_id": "model.jaffle_shop.customers", "dbt/relation_name": "`your-project`.`jaffle_shop`.`customers`" });
    const handled = of("HANDLED_OUTPUT").find((e) => e.outputName === "model_jaffle_shop_customers");
    expect(handled?.metadata).toEqual({ "warehouse/relation": "`your-project`.`jaffle_shop`.`customers`" });
    const checks = of("ASSET_CHECK_EVALUATION");
    expect(checks.length).toBe(20);
    expect(checks.filter((c) => c.assetKey.join("/") === "customers").map((c) => c.checkName).sort()).toEqual(["not_null_customers_customer_id", "unique_customers_customer_id"]);
    expect(checks.every((c) => c.passed)).toBe(true);
    const clv = (await instance.getAssetIndex(["analytics/customer_lifetime_value"]))[0]?.lastMaterialization;
    // Read from data/customers.csv, the stand-in for the warehouse table dbt built.
    expect(clv?.type === "ASSET_MATERIALIZATION" && clv.metadata).toMatchObject({ customers: 10, total_lifetime_value: 263, top_customer: "Kathleen P." });
  });

  it("declares lineage from dbt's graph down to the TypeScript asset", () => {
    const { graph } = jaffleShopDefinitions();
    const upstream = (key: string) => [...graph.parents(key)].sort();
    expect(upstream("analytics/customer_lifetime_value")).toEqual(["customers"]);
    expect(upstream("customers")).toEqual(["stg_customers", "stg_orders", "stg_payments"]);
    expect(upstream("stg_orders")).toEqual(["raw_orders"]);
  });

  it("skips the TypeScript asset when a blocking dbt test on customers fails", async () => {
    const { result, of } = await run({ FAKE_DBT_FAIL: "test.jaffle_shop.unique_customers_customer_id.c5af1ff4b1" });
    expect(result.status).toBe("FAILURE");
    expect(of("ASSET_CHECK_EVALUATION").find((c) => c.checkName === "unique_customers_customer_id")).toMatchObject({ passed: false, severity: "error", blocking: true });
    expect(of("STEP_SKIPPED").map((e) => e.stepKey)).toEqual(["analytics/customer_lifetime_value"]);
  });

  it("is listed by the orch CLI (orch.yaml found from a subfolder), with upstream keys in asset show", () => {
    const orch = (...args: string[]) => spawnSync(process.execPath, [join(exampleDir, "../../packages/cli/bin/orch.js"), ...args], {
      encoding: "utf8",
      cwd: join(exampleDir, "src"),
      env: { ...process.env, ORCH_HOME: mkdtempSync(join(tmpdir(), "jaffle-orch-")) },
    });
    const list = orch("asset", "list");
    expect(list.status, list.stderr).toBe(0);
    for (const key of ["analytics/customer_lifetime_value", "customers", "stg_orders", "raw_payments"]) expect(list.stdout).toContain(key);
    const show = orch("asset", "show", "analytics/customer_lifetime_value");
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/upstream\s+customers\n/);
    const customers = orch("asset", "show", "customers");
    expect(customers.stdout).toMatch(/upstream\s+stg_customers, stg_orders, stg_payments/);
  });
});
