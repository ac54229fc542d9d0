import { describe, expect, it } from "vitest";
import { configChecker } from "./config-validation.ts";

// The shape GET /api/launch/config sends: planned steps' configs (zod → JSON Schema) inside the run config document.
const cleaned = {
  $id: "urn:orch:config:assets:staging%2Fcleaned",
  type: "object",
  properties: { threshold: { type: "number", default: 1 }, mode: { enum: ["fast", "full"] }, inner: { type: "object", properties: { a: { type: "string" } }, required: ["a"], additionalProperties: false } },
  additionalProperties: false,
};
const section = (properties: object) => ({ type: "object", properties, additionalProperties: { type: "object", properties: { config: {} }, additionalProperties: false } });
const schema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: { assets: section({ "staging/cleaned": { type: "object", properties: { config: cleaned }, additionalProperties: false } }), ops: section({}), resources: { type: "object" } },
  additionalProperties: false,
};
const check = configChecker(schema);
const config = (value: object) => JSON.stringify({ assets: { "staging/cleaned": { config: value } } });

describe("the launchpad's config check", () => {
  it("accepts the scaffold, and names each problem by its path as the server does", () => {
    expect(check(config({ threshold: 1, inner: { a: "x" } }))).toEqual([]);
    expect(check(config({ threshold: "high", mode: "slow", threshhold: 2 }))).toEqual([
      { path: "assets.staging/cleaned.config.threshhold", message: 'unknown key "threshhold". Known keys: threshold, mode, inner.' },
      { path: "assets.staging/cleaned.config.threshold", message: "expected number" },
      { path: "assets.staging/cleaned.config.mode", message: 'expected one of "fast", "full"' },
    ]);
    expect(check(config({ inner: {} }))).toEqual([{ path: "assets.staging/cleaned.config.inner.a", message: "required" }]);
    expect(check(JSON.stringify({ asset: {} }))).toEqual([{ path: "asset", message: 'unknown key "asset". Known keys: assets, ops, resources.' }]);
  });

  it("leaves env references to run time, and reports broken JSON", () => {
    expect(check(config({ threshold: { env: "THRESHOLD" }, inner: { env: "INNER", default: "{}" } }))).toEqual([]);
    const [syntax] = check('{ "assets": ');
    expect(syntax!.path).toBe("(JSON)");
    expect(syntax!.message).toMatch(/JSON/);
    expect(check("")).toEqual([]);
  });
});
