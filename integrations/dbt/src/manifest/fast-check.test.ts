import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { allManifests, manifestPath } from "../../test/fixtures.ts";
import { fastCheckNode, fastCheckSource, fastCheckUnitTest } from "./fast-check.ts";
import { manifestSchemas } from "./schemas.ts";
import { manifestFeatures, parseSchemaVersion } from "./versions.ts";

// The fast path may only accept what the zod schemas accept: otherwise an invalid entry would slip through unchecked.
describe("fast manifest checks", () => {
  it.each(allManifests())("accept every entry of %s that zod accepts, and nothing zod refuses", (file) => {
    const doc = JSON.parse(readFileSync(manifestPath(file), "utf8"));
    const features = manifestFeatures(parseSchemaVersion(doc.metadata.dbt_schema_version, "manifest") as number);
    const schemas = manifestSchemas(features);
    for (const entry of Object.values(doc.nodes)) {
      expect(fastCheckNode(entry, features)).toBe(true);
      expect(schemas.node.safeParse(entry).success).toBe(true);
    }
    for (const entry of Object.values(doc.sources)) expect(fastCheckSource(entry)).toBe(true);
    for (const entry of Object.values(doc.unit_tests ?? {})) expect(fastCheckUnitTest(entry)).toBe(true);
  });

  it("refuses each malformed field orch reads, as zod does", () => {
    const doc = JSON.parse(readFileSync(manifestPath("jaffle_shop-v12.json"), "utf8"));
    const features = manifestFeatures(12);
    const schema = manifestSchemas(features).node;
    const base = doc.nodes["model.jaffle_shop.orders"];
    const broken: [string, (n: any) => void][] = [
      ["unique_id", (n) => (n.unique_id = 1)],
      ["depends_on.nodes", (n) => (n.depends_on.nodes = [1])],
      ["depends_on.nodes null", (n) => (n.depends_on.nodes = null)],
      ["config.materialized", (n) => (n.config.materialized = 3)],
      ["config.tags", (n) => (n.config.tags = [1])],
      ["columns", (n) => (n.columns = [])],
      ["column name", (n) => (n.columns.order_id.name = null)],
      ["column constraints", (n) => (n.columns.order_id.constraints = [{ type: 1 }])],
      ["refs", (n) => (n.refs = [["orders"]])],
      ["raw_code", (n) => (n.raw_code = 5)],
      ["contract.enforced", (n) => (n.contract = { enforced: "yes" })],
      ["fqn", (n) => (n.fqn = "orders")],
      ["version", (n) => (n.version = true)],
    ];
    for (const [what, mutate] of broken) {
      const entry = structuredClone(base);
      mutate(entry);
      expect({ what, fast: fastCheckNode(entry, features), zod: schema.safeParse(entry).success }).toEqual({ what, fast: false, zod: false });
    }
  });
});
