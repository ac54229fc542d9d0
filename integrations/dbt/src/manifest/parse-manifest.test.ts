import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allManifests, manifestPath } from "../../test/fixtures.ts";
import { loadManifest, parseManifest } from "./parse-manifest.ts";

const raw = (name: string): Record<string, any> => JSON.parse(readFileSync(manifestPath(name), "utf8"));

describe("loadManifest", () => {
  it.each(allManifests())("parses %s with every node, source and unit test", (file) => {
    const doc = raw(file);
    const manifest = loadManifest(manifestPath(file));
    const expected = Object.keys(doc.nodes).length + Object.keys(doc.sources).length + Object.keys(doc.unit_tests ?? {}).length;
    expect(manifest.nodes.size).toBe(expected);
    expect(manifest.schemaVersion).toBe(Number(/v(\d+)\.json$/.exec(doc.metadata.dbt_schema_version)?.[1]));
  });

  it("reads raw_sql-era (v4) and raw_code-era (v12) manifests into the same shape", () => {
    for (const file of ["jaffle_shop-v4.json", "jaffle_shop-v12.json"]) {
      const orders = loadManifest(manifestPath(file)).nodes.get("model.jaffle_shop.orders");
      expect(orders?.dependsOn).toEqual(["model.jaffle_shop.stg_orders", "model.jaffle_shop.stg_payments"]);
      expect(orders?.materialized).toBe("table");
      // jaffle_shop-v4 was written by `dbt parse` (no compiled_sql); v12 by a compile.
      expect(orders?.compiled).toBe(file.endsWith("v12.json"));
      expect(orders?.columns.map((c) => c.name)).toContain("order_id");
    }
  });

  it("marks parse-only manifests as not compiled", () => {
    const manifest = loadManifest(manifestPath("jaffle_shop_semantic-v12-dbt1.11.json"));
    expect(manifest.nodes.get("model.jaffle_shop.orders")?.compiled).toBe(false);
    expect(manifest.semanticModels.length).toBe(6);
    expect(manifest.savedQueries.length).toBe(3);
    expect([...manifest.nodes.values()].filter((n) => n.resourceType === "unit_test")).toHaveLength(3);
  });

  it("keeps model versions and the latest version", () => {
    const manifest = loadManifest(manifestPath("cosmos_model_versions-v10.json"));
    const v1 = manifest.nodes.get("model.jaffle_shop.customers.v1");
    expect(v1).toMatchObject({ name: "customers", version: "1", latestVersion: "2" });
  });

  it("normalises Windows paths to POSIX", () => {
    const manifest = loadManifest(manifestPath("tuva-v9.json"));
    const paths = [...manifest.nodes.values()].map((n) => n.originalFilePath);
    expect(paths.some((p) => p.includes("\\"))).toBe(false);
    expect(paths).toContain("models/condition.sql");
  });

  it("attaches pre-v9 generic tests through their model argument", () => {
    const manifest = loadManifest(manifestPath("jaffle_shop-v8.json"));
    const rel = manifest.nodes.get("test.jaffle_shop.relationships_orders_customer_id__customer_id__ref_customers_.c6ec7f58f2");
    expect(rel?.test?.attachedNode).toBe("model.jaffle_shop.orders");
  });

  it("names the JSON path and the expectation for a malformed node", () => {
    const doc = raw("jaffle_shop-v12.json");
    doc.nodes["model.jaffle_shop.orders"].depends_on.nodes = 3;
    expect(() => parseManifest(doc)).toThrow(
      '[orch] [dbt] manifest.json: nodes["model.jaffle_shop.orders"].depends_on.nodes: expected an array of strings, got number',
    );
    const doc2 = raw("jaffle_shop-v12.json");
    delete doc2.sources;
    doc2.nodes["seed.jaffle_shop.raw_orders"].name = null;
    expect(() => parseManifest(doc2)).toThrow(/sources: expected an object keyed by unique_id, got nothing/);
  });

  it("does not leak zod's wording for nested type errors", () => {
    const doc = raw("jaffle_shop-v6.json");
    doc.nodes["model.jaffle_shop.orders"].refs = [["stg_orders", 4]];
    let message = "";
    try {
      parseManifest(doc);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('[orch] [dbt] manifest.json: nodes["model.jaffle_shop.orders"].refs[0][1]: expected a string, got number');
  });

  it("refuses an unsupported schema version with the version it got", () => {
    const doc = raw("jaffle_shop-v12.json");
    doc.metadata.dbt_schema_version = "https://schemas.getdbt.com/dbt/manifest/v13.json";
    expect(() => parseManifest(doc)).toThrow(
      '[orch] [dbt] manifest.json: metadata.dbt_schema_version: expected a manifest schema v4 to v12 (https://schemas.getdbt.com/dbt/manifest/vN.json), got "https://schemas.getdbt.com/dbt/manifest/v13.json"',
    );
  });

  it("reads a file entry by entry into the same model as parsing the whole tree", () => {
    for (const file of ["jaffle_shop-v8.json", "tuva-v9.json", "jaffle_shop_semantic-v12-dbt1.12.json"]) {
      const streamed = loadManifest(manifestPath(file));
      const whole = parseManifest(raw(file));
      expect([...streamed.nodes.entries()]).toEqual([...whole.nodes.entries()]);
      expect(streamed.semanticModels).toEqual(whole.semanticModels);
    }
  });

  it("reports a truncated or malformed file as invalid JSON with the parser's position", () => {
    const dir = mkdtempSync(join(tmpdir(), "orch-dbt-json-"));
    const text = readFileSync(manifestPath("jaffle_shop-v12.json"), "utf8");
    writeFileSync(join(dir, "truncated.json"), text.slice(0, 5000));
    expect(() => loadManifest(join(dir, "truncated.json"))).toThrow(`[orch] [dbt] ${join(dir, "truncated.json")}: not valid JSON (`);
    writeFileSync(join(dir, "bad-entry.json"), text.replace('"model.jaffle_shop.orders": {', '"model.jaffle_shop.orders": {,'));
    expect(() => loadManifest(join(dir, "bad-entry.json"))).toThrow(/bad-entry\.json: not valid JSON \(.*position/);
  });

  it("names the file it read in every message, whatever it is called", () => {
    const dir = mkdtempSync(join(tmpdir(), "orch-dbt-path-"));
    const doc = raw("jaffle_shop-v12.json");
    doc.nodes["model.jaffle_shop.orders"].depends_on.nodes = 3;
    const path = join(dir, "prod-manifest.json");
    writeFileSync(path, JSON.stringify(doc));
    expect(() => loadManifest(path)).toThrow(`[orch] [dbt] ${path}: nodes["model.jaffle_shop.orders"].depends_on.nodes: expected an array of strings, got number`);
    expect(() => loadManifest(join(dir, "missing.json"))).toThrow(`[orch] [dbt] ${join(dir, "missing.json")}: cannot read the dbt manifest: ENOENT`);
  });

  it("refuses a dependency on a node that does not exist, naming the JSON path", () => {
    const doc = raw("jaffle_shop-v12.json");
    doc.nodes["model.jaffle_shop.orders"].depends_on.nodes.push("model.jaffle_shop.stg_ordrs");
    expect(() => parseManifest(doc)).toThrow(
      '[orch] [dbt] manifest.json: nodes["model.jaffle_shop.orders"].depends_on.nodes[2]: expected the unique_id of a node, source or unit test in this manifest, got "model.jaffle_shop.stg_ordrs", which is not defined. Did you mean "model.jaffle_shop.stg_orders"',
    );
    const semantic = raw("jaffle_shop_semantic-v12-dbt1.12.json");
    const unitTest = Object.keys(semantic.unit_tests)[0]!;
    semantic.unit_tests[unitTest].depends_on.nodes = ["model.nowhere.x"];
    expect(() => parseManifest(semantic)).toThrow(`unit_tests[${JSON.stringify(unitTest)}].depends_on.nodes[0]: expected the unique_id`);
  });

  it("refuses a node that depends on itself", () => {
    const doc = raw("jaffle_shop-v12.json");
    doc.nodes["model.jaffle_shop.orders"].depends_on.nodes.unshift("model.jaffle_shop.orders");
    expect(() => parseManifest(doc)).toThrow(
      '[orch] [dbt] manifest.json: nodes["model.jaffle_shop.orders"].depends_on.nodes[0]: a node cannot depend on itself, got its own unique_id "model.jaffle_shop.orders"',
    );
  });

  it("accepts a test that still depends on a disabled node, as dbt wrote it", () => {
    // jaffle_shop-v4 disables model customers but keeps a relationships test that reads it.
    const manifest = loadManifest(manifestPath("jaffle_shop-v4.json"));
    const test = manifest.nodes.get("test.jaffle_shop.relationships_orders_customer_id__customer_id__ref_customers_.c6ec7f58f2");
    expect(test?.dependsOn).toContain("model.jaffle_shop.customers");
    expect(manifest.nodes.has("model.jaffle_shop.customers")).toBe(false);
  });
});
