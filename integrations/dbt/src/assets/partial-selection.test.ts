import { readFileSync } from "node:fs";
import { asset, defineDefinitions, materialize, memoryStorage, type AssetsDefinition, type Definitions } from "@orch/core";
import { describe, expect, it } from "vitest";
import { FAKE_DBT, manifestPath, tempProject } from "../../test/fixtures.ts";
import { isMaterializable, type DbtManifest } from "../manifest/model.ts";
import { loadManifest, parseManifest } from "../manifest/parse-manifest.ts";
import { createDbtRunner } from "../runner/dbt-runner.ts";
import { dbtAssets } from "./dbt-assets.ts";

const quiet = { onWarning: () => undefined };
const load = (file: string): DbtManifest => loadManifest(manifestPath(file));

/** A model whose parent has a parent of its own: `1+m` and `m+` then leave something out upstream. */
function deepModel(manifest: DbtManifest): string {
  const asset = (id: string) => { const node = manifest.nodes.get(id); return node !== undefined && isMaterializable(node) ? node : undefined; };
  const hasAssetParent = (id: string) => (asset(id)?.dependsOn ?? []).some((p) => asset(p) !== undefined);
  const deep = [...manifest.nodes.values()].find((m) => m.resourceType === "model" && m.version === undefined && isMaterializable(m) && m.dependsOn.some((p) => asset(p)?.resourceType === "model" && hasAssetParent(p)));
  if (!deep) throw new Error("no model with a grandparent");
  return deep.name;
}

/** A folder of models in which some model reads a model of another folder. */
function leakyFolder(manifest: DbtManifest): string {
  const folderOf = (path: string) => path.split("/").slice(0, -1).join("/");
  for (const node of manifest.nodes.values()) {
    if (node.resourceType !== "model" || !isMaterializable(node)) continue;
    const folder = folderOf(node.originalFilePath);
    if (node.dependsOn.some((p) => { const parent = manifest.nodes.get(p); return parent && isMaterializable(parent) && !folderOf(parent.originalFilePath).startsWith(folder); })) return folder;
  }
  throw new Error("no folder that reads another");
}

function define(...defs: AssetsDefinition[]): Definitions {
  return defineDefinitions({ assets: defs, resources: { dbt: {} } });
}

/** The keys a definition materializes (its outputs) and the keys it only stands in for. */
const owned = (def: AssetsDefinition) => def.specs.filter((s) => !s.placeholder).map((s) => s.id).sort();

const MANIFESTS = ["jaffle_shop-v12.json", "tuva-v11.json", "flipside_aleo_models-v12.json", "cosmos_model_versions-v10.json", "jaffle_shop_semantic-v12-dbt1.12.json", "flipside_thorchain_models-v6.json"];

describe("dbtAssets selections that leave out upstream nodes", () => {
  it.each(MANIFESTS)("%s: `1+m`, `m+`, a folder and resource_type:model load, with what is left out as external placeholders", (file) => {
    const manifest = load(file);
    const m = deepModel(manifest);
    for (const select of [`1+${m}`, `${m}+`, `path:${leakyFolder(manifest)}`, "resource_type:model", m]) {
      const dbt = dbtAssets({ manifest, select, ...quiet });
      const defs = define(dbt);
      const left = dbt.specs.filter((s) => s.placeholder);
      expect(left.length, `${select} leaves something out upstream`).toBeGreaterThan(0);
      for (const spec of dbt.specs) {
        for (const up of spec.upstream) expect(defs.graph.has(up.join("/"))).toBe(true);
      }
      // What is left out is external: it can be selected (for lineage) but is never materialized by this run.
      for (const spec of left) {
        expect(defs.graph.spec(spec.id).external).toBe(true);
        expect(defs.graph.producer(spec.id)).toBeUndefined();
      }
    }
  });

  it.each(MANIFESTS)("%s: a selection and its complement together define every node once, with the full lineage", (file) => {
    const manifest = load(file);
    const whole = dbtAssets({ manifest, ...quiet });
    const select = `+${deepModel(manifest)}`;
    const part = dbtAssets({ manifest, select, ...quiet });
    const rest = dbtAssets({ manifest, exclude: select, ...quiet });
    const split = define(part, rest);
    const full = define(whole);
    expect(part.node?.id).not.toBe(rest.node?.id);
    expect([...owned(part), ...owned(rest)].sort()).toEqual(owned(whole));
    for (const id of owned(whole)) {
      expect(split.graph.spec(id).external).toBeFalsy();
      expect([...split.graph.parents(id)].sort()).toEqual([...full.graph.parents(id)].sort());
    }
    // Each dbt test is a check of exactly one of the two definitions.
    const checks = (defs: AssetsDefinition[]) => defs.flatMap((d) => (d.checks ?? []).map((c) => `${c.assetKey.join("/")}:${c.name}`)).sort();
    expect(checks([part, rest])).toEqual(checks([whole]));
  });

  it("loads the README's example, tag:nightly without path:models/legacy, when nightly models read other models", () => {
    const doc = JSON.parse(readFileSync(manifestPath("jaffle_shop-v12.json"), "utf8"));
    for (const id of ["model.jaffle_shop.orders", "model.jaffle_shop.customers", "model.jaffle_shop.daily_orders"]) doc.nodes[id].tags = ["nightly"];
    doc.nodes["model.jaffle_shop.daily_orders"].original_file_path = "models/legacy/daily_orders.sql";
    const dbt = dbtAssets({ manifest: parseManifest(doc), select: "tag:nightly", exclude: "path:models/legacy", ...quiet });
    expect(owned(dbt)).toEqual(["customers", "orders"]);
    expect(dbt.specs.filter((s) => s.placeholder).map((s) => s.id).sort()).toEqual(["stg_customers", "stg_orders", "stg_payments"]);
    expect(define(dbt).graph.parents("orders")).toEqual(["stg_orders", "stg_payments"]);
  });

  it("lets a TypeScript asset own a key that a dbt selection only reads, and runs dbt after it", async () => {
    const loader = asset({ key: "raw_orders", compute: () => "loaded" });
    const dbt = dbtAssets({ manifest: manifestPath("jaffle_shop-v12.json"), select: "stg_orders", ...quiet });
    const defs = defineDefinitions({ assets: [dbt, loader], resources: { dbt: createDbtRunner({ projectDir: tempProject(), executable: FAKE_DBT }) } });
    expect(defs.graph.producer("raw_orders")).toBe(loader.node);
    expect(defs.graph.parents("stg_orders")).toEqual(["raw_orders"]);
    const instance = memoryStorage();
    const result = await materialize(defs, { instance });
    const steps = (await instance.getEvents(result.runId)).flatMap((e) => (e.type === "STEP_START" || e.type === "STEP_SUCCESS" ? [`${e.type} ${e.stepKey}`] : []));
    expect(steps).toEqual(["STEP_START raw_orders", "STEP_SUCCESS raw_orders", `STEP_START ${dbt.node!.id}`, `STEP_SUCCESS ${dbt.node!.id}`]);
  });

  it("materializes a selection whose parents are left out: dbt builds only the selection", async () => {
    const dbt = dbtAssets({ manifest: manifestPath("jaffle_shop-v12.json"), select: "orders+", ...quiet });
    const report = asset({ key: "daily_report", deps: ["daily_orders"], compute: () => 1 });
    const defs = defineDefinitions({ assets: [dbt, report], resources: { dbt: createDbtRunner({ projectDir: tempProject(), executable: FAKE_DBT }) } });
    const instance = memoryStorage();
    const result = await materialize(defs, { instance });
    expect(result.status).toBe("SUCCESS");
    const events = await instance.getEvents(result.runId);
    const materialized = events.flatMap((e) => (e.type === "ASSET_MATERIALIZATION" ? [e.assetKey.join("/")] : [])).sort();
    expect(materialized).toEqual(["daily_orders", "daily_report", "orders"]);
  });

  it("warns at load time about dbt tests that map to no check, naming each and why", () => {
    const warnings: string[] = [];
    dbtAssets({ manifest: manifestPath("tuva-v11.json"), onWarning: (message) => warnings.push(message) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^\[orch\] \[dbt\] 9 dbt tests are not mapped to asset checks: test\.the_tuva_project\.not_null_quality_measures__stg_core__condition_patient_id\.1f1222e348 \(checks ephemeral model model\.the_tuva_project\.quality_measures__stg_core__condition\); /);
    expect(warnings[0]).toContain("An ephemeral model has no relation");

    const doc = JSON.parse(readFileSync(manifestPath("jaffle_shop-v12.json"), "utf8"));
    doc.nodes["test.jaffle_shop.assert_nothing"] = { ...doc.nodes["test.jaffle_shop.unique_orders_order_id.fed79b3a6e"], unique_id: "test.jaffle_shop.assert_nothing", name: "assert_nothing", attached_node: null, test_metadata: null, depends_on: { macros: [], nodes: [] } };
    warnings.length = 0;
    dbtAssets({ manifest: parseManifest(doc), onWarning: (message) => warnings.push(message) });
    expect(warnings).toEqual([expect.stringContaining("1 dbt test is not mapped to asset checks: test.jaffle_shop.assert_nothing (reads no model, seed, snapshot or source)")]);
    // A selection warns only about its own tests.
    warnings.length = 0;
    dbtAssets({ manifest: manifestPath("tuva-v11.json"), select: "resource_type:seed", onWarning: (message) => warnings.push(message) });
    expect(warnings).toEqual([]);
  });

  it("runs a split project in one run: the step reading the other definition's models waits for it", async () => {
    const manifest = manifestPath("jaffle_shop-v12.json");
    const upstream = dbtAssets({ manifest, select: "+orders", ...quiet });
    const downstream = dbtAssets({ manifest, select: "package:jaffle_shop", exclude: "+orders", ...quiet });
    const defs = defineDefinitions({ assets: [downstream, upstream], resources: { dbt: createDbtRunner({ projectDir: tempProject(), executable: FAKE_DBT }) } });
    const instance = memoryStorage();
    const result = await materialize(defs, { instance });
    expect(result.status).toBe("SUCCESS");
    const events = await instance.getEvents(result.runId);
    const at = (type: string, step: string) => events.findIndex((e) => e.type === type && "stepKey" in e && e.stepKey === step);
    expect(at("STEP_SUCCESS", upstream.node!.id)).toBeGreaterThan(-1);
    expect(at("STEP_START", downstream.node!.id)).toBeGreaterThan(at("STEP_SUCCESS", upstream.node!.id));
    const materialized = events.flatMap((e) => (e.type === "ASSET_MATERIALIZATION" ? [e.assetKey.join("/")] : []));
    expect(materialized).toHaveLength(9);
  });

  it("runs two selections that read each other's models, splitting a dbt step as Dagster does", async () => {
    const manifest = manifestPath("jaffle_shop-v12.json");
    // raw_orders and orders in one, stg_orders (between them) in the other: one step each could not be ordered.
    const ends = dbtAssets({ manifest, select: "package:jaffle_shop,raw_orders package:jaffle_shop,orders", ...quiet });
    const middle = dbtAssets({ manifest, select: "package:jaffle_shop", exclude: "raw_orders orders", ...quiet });
    const projectDir = tempProject();
    const defs = defineDefinitions({ assets: [ends, middle], resources: { dbt: createDbtRunner({ projectDir, executable: FAKE_DBT }) } });
    const instance = memoryStorage();
    const result = await materialize(defs, { instance });
    expect(result.status).toBe("SUCCESS");
    const events = await instance.getEvents(result.runId);
    const [e, m] = [ends.node!.id, middle.node!.id];
    // Levels: raw_orders (e) and what reads nothing of `ends` (m) | stg_orders, customers (m#2) | orders (e#2) | daily_orders (m#3).
    const built = (step: string) => events.flatMap((ev) => (ev.type === "ASSET_MATERIALIZATION" && ev.stepKey === step ? [ev.assetKey.join("/")] : [])).sort();
    expect(built(e)).toEqual(["raw_orders"]);
    expect(built(m)).toEqual(["raw_customers", "raw_payments", "stg_customers", "stg_payments"]);
    expect(built(`${m}#2`)).toEqual(["customers", "stg_orders"]);
    expect(built(`${e}#2`)).toEqual(["orders"]);
    expect(built(`${m}#3`)).toEqual(["daily_orders"]);
    const finishedAt = (step: string) => events.findIndex((ev) => ev.type === "STEP_SUCCESS" && ev.stepKey === step);
    const startedAt = (step: string) => events.findIndex((ev) => ev.type === "STEP_START" && ev.stepKey === step);
    expect(startedAt(`${m}#2`)).toBeGreaterThan(finishedAt(e));
    expect(startedAt(`${e}#2`)).toBeGreaterThan(finishedAt(`${m}#2`));
    expect(startedAt(`${m}#3`)).toBeGreaterThan(finishedAt(`${e}#2`));
  });
});
