import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { allManifests, manifestPath } from "../../test/fixtures.ts";
import { loadManifest, parseManifest } from "../manifest/parse-manifest.ts";
import { mapManifest } from "./map-manifest.ts";
import { createDbtTranslator } from "./translator.ts";

const byId = <T extends { id: string }>(specs: T[]): Map<string, T> => new Map(specs.map((s) => [s.id, s]));

describe("mapManifest", () => {
  it.each(allManifests())("maps %s to unique asset keys with known upstreams", (file) => {
    const mapped = mapManifest(loadManifest(manifestPath(file)), createDbtTranslator());
    const ids = mapped.specs.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const spec of mapped.specs) for (const up of spec.upstream) expect(ids).toContain(up.join("/"));
  });

  it("maps jaffle_shop models, seeds, checks and metadata", () => {
    const mapped = mapManifest(loadManifest(manifestPath("jaffle_shop-v12.json")), createDbtTranslator());
    const specs = byId(mapped.specs);
    const orders = specs.get("orders");
    expect(orders?.upstream.map((k) => k.join("/")).sort()).toEqual(["stg_orders", "stg_payments"]);
    expect(orders?.metadata).toMatchObject({ "dbt/materialization": "table", "dbt/relation_name": "`your-project`.`jaffle_shop`.`orders`", "dbt/code_reference": { type: "path", value: "models/orders.sql" } });
    expect(orders?.kinds).toEqual(["dbt", "bigquery"]);
    expect(specs.get("raw_orders")?.outputName).toBe("seed_jaffle_shop_raw_orders");
    const ordersChecks = mapped.checks.filter((c) => c.spec.assetKey.join("/") === "orders").map((c) => c.spec.name);
    expect(ordersChecks).toContain("relationships_orders_customer_id__customer_id__ref_customers_");
    expect(mapped.checks.every((c) => c.spec.blocking)).toBe(true);
  });

  it("folds ephemeral models into their dependents' lineage", () => {
    const manifest = loadManifest(manifestPath("tuva-v11.json"));
    const mapped = mapManifest(manifest, createDbtTranslator());
    const ephemeral = [...manifest.nodes.values()].find((n) => n.materialized === "ephemeral" && [...manifest.nodes.values()].some((c) => c.dependsOn.includes(n.uniqueId)));
    expect(ephemeral).toBeDefined();
    expect(mapped.specs.some((s) => s.metadata["dbt/unique_id"] === ephemeral?.uniqueId)).toBe(false);
    const child = [...manifest.nodes.values()].find((c) => c.resourceType === "model" && c.materialized !== "ephemeral" && c.dependsOn.includes(ephemeral!.uniqueId))!;
    const childSpec = mapped.byUniqueId.get(child.uniqueId)!;
    const expected = ephemeral!.dependsOn.map((p) => mapped.byUniqueId.get(p)?.id).filter(Boolean);
    for (const id of expected) expect(childSpec.upstream.map((k) => k.join("/"))).toContain(id);
  });

  it("gives model versions distinct keys and marks the latest", () => {
    const mapped = mapManifest(loadManifest(manifestPath("cosmos_model_versions-v10.json")), createDbtTranslator());
    const specs = byId(mapped.specs);
    expect(specs.get("customers_v1")?.metadata["dbt/is_latest_version"]).toBe(false);
    expect(specs.get("customers_v2")?.metadata["dbt/is_latest_version"]).toBe(true);
  });

  it("turns sources into external assets, with source tests as checks and warn severity as non-blocking", () => {
    const mapped = mapManifest(loadManifest(manifestPath("tuva-v10.json")), createDbtTranslator());
    const warn = mapped.checks.find((c) => c.test.test?.severity === "warn");
    expect(warn?.spec.blocking).toBe(false);
    const aleo = mapManifest(loadManifest(manifestPath("flipside_aleo_models-v12.json")), createDbtTranslator());
    const sources = aleo.specs.filter((s) => s.external);
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.every((s) => s.outputName === undefined && s.key.length === 2)).toBe(true);
  });

  it("applies translator overrides over the defaults", () => {
    const translator = createDbtTranslator({
      getAssetKey: (node, manifest, defaults) => ["warehouse", ...defaults.getAssetKey(node, manifest)],
      getGroupName: (node) => node.fqn[1] ?? "root",
    });
    const mapped = mapManifest(loadManifest(manifestPath("jaffle_shop-v12.json")), translator, { select: "+orders" });
    expect(mapped.specs.map((s) => s.id).sort()).toEqual(["warehouse/orders", "warehouse/raw_orders", "warehouse/raw_payments", "warehouse/stg_orders", "warehouse/stg_payments"]);
    expect(byId(mapped.specs).get("warehouse/stg_orders")?.group).toBe("staging");
  });

  it("reports enforced contracts as column metadata", () => {
    const doc = JSON.parse(readFileSync(manifestPath("jaffle_shop-v12.json"), "utf8"));
    const orders = doc.nodes["model.jaffle_shop.orders"];
    orders.contract.enforced = true;
    orders.columns.order_id.data_type = "int64";
    orders.columns.order_id.constraints = [{ type: "not_null" }];
    orders.columns.amount.data_type = "numeric";
    orders.constraints = [{ type: "primary_key", columns: ["order_id"] }];
    const spec = mapManifest(parseManifest(doc), createDbtTranslator()).byUniqueId.get("model.jaffle_shop.orders");
    expect(spec?.metadata["dbt/contract"]).toEqual([
      { name: "order_id", dataType: "int64", nullable: false, constraints: ["not_null", "primary_key"] },
      { name: "amount", dataType: "numeric", nullable: true, constraints: [] },
    ]);
  });
});
