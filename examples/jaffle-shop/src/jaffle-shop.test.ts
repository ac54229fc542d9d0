import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isIOManagerDefinition, materialize, memoryStorage, SerializerRegistry, type StoredEvent } from "@orch/core";
import { describe, expect, it } from "vitest";
import { openDuckDB } from "@orch/duckdb";
import { jaffleShopDefinitions } from "./definitions.ts";

const exampleDir = fileURLToPath(new URL("..", import.meta.url));

/** A throwaway copy of the dbt project and a fresh DuckDB file, so nothing the run writes lands in the example. */
function projectCopy(): { projectDir: string; warehouse: string } {
  const dir = mkdtempSync(join(tmpdir(), "jaffle-shop-"));
  cpSync(join(exampleDir, "dbt"), join(dir, "dbt"), { recursive: true });
  return { projectDir: join(dir, "dbt"), warehouse: join(dir, "warehouse.duckdb") };
}

async function query(path: string, sql: string): Promise<Record<string, unknown>[]> {
  const database = await openDuckDB({ path, readOnly: true });
  try {
    return (await (await database.connect()).runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    database.release();
  }
}

async function run(env: Record<string, string> = {}) {
  const project = projectCopy();
  const definitions = jaffleShopDefinitions({ ...project, env });
  const instance = memoryStorage();
  const result = await materialize(definitions, { instance });
  const events = await instance.getEvents(result.runId);
  const of = <T extends StoredEvent["type"]>(type: T) => events.filter((e): e is Extract<StoredEvent, { type: T }> => e.type === type);
  return { result, instance, of, warehouse: project.warehouse, materialized: of("ASSET_MATERIALIZATION").map((e) => e.assetKey.join("/")).sort() };
}

describe("jaffle shop", () => {
  it("builds the dbt project in DuckDB (fake dbt running the compiled SQL), runs its tests as checks and the TypeScript asset downstream", async () => {
    const { result, instance, of, materialized, warehouse } = await run();
    expect(result.status).toBe("SUCCESS");
    expect(materialized).toEqual([
      "analytics/customer_lifetime_value", "customers", "daily_orders", "orders", "raw_customers", "raw_orders", "raw_payments", "stg_customers", "stg_orders", "stg_payments",
    ]);
    const customers = of("ASSET_MATERIALIZATION").find((e) => e.assetKey.join("/") === "customers");
    expect(customers?.metadata).toMatchObject({ "dbt/unique_id": "model.jaffle_shop.customers", "dbt/relation_name": "`your-project`.`jaffle_shop`.`customers`", "dbt/rows_affected": 10 });
    // The table IO manager found the table dbt built under the model's schema and alias.
    const handled = of("HANDLED_OUTPUT").find((e) => e.outputName === "model_jaffle_shop_customers");
    expect(handled?.metadata).toMatchObject({ table: "jaffle_shop.customers", rows: 10, writtenBy: "warehouse" });
    const checks = of("ASSET_CHECK_EVALUATION");
    expect(checks.length).toBe(20);
    expect(checks.filter((c) => c.assetKey.join("/") === "customers").map((c) => c.checkName).sort()).toEqual(["not_null_customers_customer_id", "unique_customers_customer_id"]);
    expect(checks.every((c) => c.passed)).toBe(true);
    // The TypeScript asset read the model's table as a Polars frame that passed the Customers schema.
    const inputCheck = (await instance.getEvents(result.runId)).find((e) => e.type === "STEP_INPUT_TYPE_CHECK" && e.stepKey === "analytics/customer_lifetime_value");
    expect(inputCheck).toMatchObject({ typeName: "Customers", success: true });
    const clv = (await instance.getAssetIndex(["analytics/customer_lifetime_value"]))[0]?.lastMaterialization;
    expect(clv?.type === "ASSET_MATERIALIZATION" && clv.metadata).toMatchObject({ customers: 10, total_lifetime_value: 263, top_customer: "Kathleen P.", table: "analytics.customer_lifetime_value", rows: 3 });
    expect(await query(warehouse, "SELECT customer_id, name, lifetime_value FROM analytics.customer_lifetime_value ORDER BY lifetime_value DESC")).toEqual([
      { customer_id: 3n, name: "Kathleen P.", lifetime_value: 65 },
      { customer_id: 8n, name: "Frank R.", lifetime_value: 45 },
      { customer_id: 1n, name: "Michael P.", lifetime_value: 33 },
    ]);
  });

  it("wiping through the table IO manager drops the TypeScript asset's table and keeps the tables dbt built", async () => {
    const project = projectCopy();
    const definitions = jaffleShopDefinitions(project);
    expect((await materialize(definitions, { instance: memoryStorage() })).status).toBe("SUCCESS");
    const wipe = async (id: string) => {
      const spec = definitions.graph.spec(id);
      const output = definitions.graph.definitionOf(id)?.node?.outputs.find((o) => o.name === spec.outputName);
      const configured = definitions.ioManagers.get(spec.ioManagerKey);
      const manager = isIOManagerDefinition(configured) ? await configured.create({ serializers: new SerializerRegistry(), baseDir: project.projectDir }) : configured!;
      try {
        return await manager.deleteAsset!(spec.key, { definitionMetadata: output?.metadata ?? {} });
      } finally {
        await manager.teardown?.();
      }
    };
    expect(await wipe("customers")).toMatchObject({ kept: expect.stringContaining("warehouse built table") });
    expect(await wipe("analytics/customer_lifetime_value")).toBeUndefined();
    const tables = await query(project.warehouse, "SELECT schema_name || '.' || table_name AS name FROM duckdb_tables() WHERE table_name IN ('customers', 'customer_lifetime_value')");
    expect(tables.map((t) => t["name"])).toEqual(["jaffle_shop.customers"]);
  });

  it("fails the dbt model whose SQL DuckDB rejects, and skips what reads it", async () => {
    const project = projectCopy();
    const seeds = join(project.projectDir, "seeds", "raw_payments.csv");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(seeds, "id,order_id,payment_method\n1,1,coupon\n");
    const definitions = jaffleShopDefinitions(project);
    const instance = memoryStorage();
    const result = await materialize(definitions, { instance });
    const events = await instance.getEvents(result.runId);
    expect(result.status).toBe("FAILURE");
    const failure = events.find((e) => e.type === "STEP_FAILURE") as { error: { message: string } } | undefined;
    expect(failure?.error.message).toContain("stg_payments (error: Database Error in model stg_payments");
    // DuckDB's own message reaches the run's log through dbt's error events.
    expect(events.filter((e) => e.type === "LOG").map((e) => e.message).join("\n")).toMatch(/Database Error in model stg_payments[^]*Binder Error: Column "amount"/);
    expect(events.filter((e) => e.type === "STEP_SKIPPED").map((e) => e.stepKey)).toEqual(["analytics/customer_lifetime_value"]);
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
