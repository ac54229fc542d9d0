import { describe, expect, it } from "vitest";
import { manifestPath } from "../../test/fixtures.ts";
import { loadManifest } from "../manifest/parse-manifest.ts";
import { selectDbtNodes } from "./resolve.ts";

const jaffle = loadManifest(manifestPath("jaffle_shop-v12.json"));
const models = (select: string, exclude?: string): string[] =>
  [...selectDbtNodes(jaffle, { select, ...(exclude ? { exclude } : {}) })].filter((id) => !id.startsWith("test.")).sort();

describe("selectDbtNodes", () => {
  it("resolves names, +ancestors, descendants+ and depth limits", () => {
    expect(models("orders")).toEqual(["model.jaffle_shop.orders"]);
    expect(models("+orders")).toEqual(["model.jaffle_shop.orders", "model.jaffle_shop.stg_orders", "model.jaffle_shop.stg_payments", "seed.jaffle_shop.raw_orders", "seed.jaffle_shop.raw_payments"]);
    expect(models("1+orders")).toEqual(["model.jaffle_shop.orders", "model.jaffle_shop.stg_orders", "model.jaffle_shop.stg_payments"]);
    expect(models("stg_orders+1")).toEqual(["model.jaffle_shop.customers", "model.jaffle_shop.orders", "model.jaffle_shop.stg_orders"]);
  });

  it("resolves @, paths, config, resource types, unions, intersections and excludes", () => {
    expect(models("@stg_orders")).toContain("model.jaffle_shop.stg_payments");
    expect(models("path:models/staging")).toEqual(["model.jaffle_shop.stg_customers", "model.jaffle_shop.stg_orders", "model.jaffle_shop.stg_payments"]);
    expect(models("config.materialized:view,package:jaffle_shop")).toEqual(["model.jaffle_shop.stg_customers", "model.jaffle_shop.stg_orders", "model.jaffle_shop.stg_payments"]);
    expect(models("resource_type:seed")).toHaveLength(3);
    expect(models("orders customers")).toEqual(["model.jaffle_shop.customers", "model.jaffle_shop.orders"]);
    expect(models("+orders,config.materialized:view")).toEqual(["model.jaffle_shop.stg_orders", "model.jaffle_shop.stg_payments"]);
    expect(models("resource_type:model,package:jaffle_shop", "path:models/staging")).toEqual(["model.jaffle_shop.customers", "model.jaffle_shop.daily_orders", "model.jaffle_shop.orders"]);
    expect(models("jaffle_shop.staging.*")).toHaveLength(3);
  });

  it("selects tags, sources and versioned models", () => {
    const tuva = loadManifest(manifestPath("flipside_aleo_models-v12.json"));
    const sources = [...selectDbtNodes(tuva, { select: "source:*" })];
    expect(sources.length).toBe(17);
    const cosmos = loadManifest(manifestPath("cosmos_model_versions-v10.json"));
    expect([...selectDbtNodes(cosmos, { select: "customers.v1" })]).toEqual(["model.jaffle_shop.customers.v1"]);
    expect([...selectDbtNodes(cosmos, { select: "customers,version:latest" })]).toEqual(["model.jaffle_shop.customers.v2"]);
    const state = loadManifest(manifestPath("dbt_core_state-v12.json"));
    const tagged = [...state.nodes.values()].find((n) => n.tags.length > 0);
    if (tagged) expect(selectDbtNodes(state, { select: `tag:${tagged.tags[0]}` }).has(tagged.uniqueId)).toBe(true);
  });

  it("refuses unknown methods with the list of methods", () => {
    expect(() => selectDbtNodes(jaffle, { select: "colour:red" })).toThrow(/dbt selection "colour:red": unknown method "colour"; expected one of fqn, tag, path/);
  });
});
