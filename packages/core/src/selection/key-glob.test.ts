import { describe, expect, it } from "vitest";
import { globMatch } from "./key-glob.ts";

describe("globMatch", () => {
  it("star syntax: `*` crosses `/`, every other character is literal", () => {
    expect(globMatch("raw/orders/2024", "raw/*")).toBe(true);
    expect(globMatch("raw/orders", "raw*")).toBe(true);
    expect(globMatch("raw/orders", "*orders")).toBe(true);
    expect(globMatch("staging/orders", "raw/*")).toBe(false);
    expect(globMatch("a.b", "a.*")).toBe(true);
    expect(globMatch("axb", "a.b*")).toBe(false);
    expect(globMatch("a?", "a?*")).toBe(true);
    expect(globMatch("ab", "a?*")).toBe(false);
    expect(globMatch("a[b]", "a[b]*")).toBe(true);
    expect(globMatch("ab", "a[b]*")).toBe(false);
    expect(globMatch("{a,b}x", "{a,b}*")).toBe(true);
    expect(globMatch(".hidden/x", "*x")).toBe(true);
  });

  it("fnmatch syntax: `*`, `?`, classes and negated classes", () => {
    expect(globMatch("models/staging/stg_orders.sql", "models/*.sql", "fnmatch")).toBe(true);
    expect(globMatch("stg_orders", "stg_?rders", "fnmatch")).toBe(true);
    expect(globMatch("stg_orders", "stg_[abo]rders", "fnmatch")).toBe(true);
    expect(globMatch("stg_orders", "stg_[!o]rders", "fnmatch")).toBe(false);
    expect(globMatch("stg_xrders", "stg_[!o]rders", "fnmatch")).toBe(true);
    expect(globMatch("nightly", "night*", "fnmatch")).toBe(true);
    expect(globMatch("daily", "night*", "fnmatch")).toBe(false);
    expect(globMatch("a+b", "a+b", "fnmatch")).toBe(true);
  });
});
