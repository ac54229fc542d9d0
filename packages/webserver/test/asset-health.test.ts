import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asset, assetCheck, defineDefinitions, materialize, memoryStorage, staticPartitions } from "@orch/core";
import { startWebserver, type RunningWebserver } from "../src/index.ts";

/** Checks that fail when told to, and a partitioned asset that fails for the partitions listed. */
const state = { rowsPass: true, freshPass: true, failing: new Set<string>() };
const orders = asset({ key: "orders", compute: () => [1, 2, 3] });
const notEmpty = assetCheck({ asset: orders, name: "not_empty", check: () => state.rowsPass });
const recent = assetCheck({ asset: orders, name: "recent", severity: "warn", check: () => state.freshPass });
const daily = asset({
  key: "daily",
  partitions: staticPartitions(["a", "b", "c", "d", "e"]),
  compute: ({ partitionKey }) => {
    if (state.failing.has(partitionKey!)) throw new Error(`no data for ${partitionKey}`);
    return 1;
  },
});
const definitions = defineDefinitions({ assets: [orders, daily], checks: [notEmpty, recent] });
const instance = memoryStorage();
let server: RunningWebserver;

beforeAll(async () => {
  server = await startWebserver({ definitions, instance, readOnly: false, port: 0, info: {} });
});
afterAll(() => server.close());

const get = async (path: string) => (await fetch(`${server.url}${path}`)).json() as Promise<any>;
const node = async (id: string) => (await get("/api/graph")).nodes.find((n: { id: string }) => n.id === id);
const row = async (id: string) => (await get("/api/assets")).assets.find((a: { id: string }) => a.id === id);

describe("check results", () => {
  it("marks an asset whose latest materialization failed an error check as check_failed, a warn check as check_warned", async () => {
    state.rowsPass = false;
    await materialize(definitions, { selection: "orders", instance });
    expect(await node("orders")).toMatchObject({ status: "check_failed", checks: { failing: ["not_empty"], warning: [] } });
    expect((await node("daily")).checks).toBeUndefined();
    expect((await row("orders")).checks).toEqual({ passed: 1, failed: 1, warned: 0, failing: ["not_empty"], warning: [] });

    state.rowsPass = true;
    state.freshPass = false;
    await materialize(definitions, { selection: "orders", instance });
    expect((await node("orders")).status).toBe("check_warned");
    expect((await row("orders")).checks).toEqual({ passed: 1, failed: 0, warned: 1, failing: [], warning: ["recent"] });
    expect((await get("/api/asset?key=orders")).asset).toMatchObject({ status: "check_warned", checks: { warned: 1 } });

    state.freshPass = true;
    await materialize(definitions, { selection: "orders", instance });
    expect((await node("orders")).status).toBe("fresh");
    expect((await row("orders")).checks).toMatchObject({ passed: 2, failed: 0, warned: 0 });
    expect((await row("daily")).checks).toBeUndefined();
  });
});

describe("failed partitions", () => {
  it("counts materialized / failed / missing partitions and sends failed ranges, cleared by a later success", async () => {
    state.failing = new Set(["c", "d"]);
    for (const partitionKey of ["a", "b", "c", "d"]) await materialize(definitions, { selection: "daily", partitionKey, instance });
    expect((await row("daily")).partitions).toEqual({ total: 5, materialized: 2, failed: 2, missing: 1 });
    const { asset: detail } = await get("/api/asset?key=daily");
    expect(detail.partitions).toMatchObject({ total: 5, materialized: 2, failed: 2, missing: 1 });
    expect(detail.partitions.ranges).toEqual([
      { status: "materialized", start: "a", end: "b", count: 2, materialized: 2, failed: 0 },
      { status: "failed", start: "c", end: "d", count: 2, materialized: 0, failed: 2 },
      { status: "missing", start: "e", end: "e", count: 1, materialized: 0, failed: 0 },
    ]);

    state.failing = new Set(["a"]);
    await materialize(definitions, { selection: "daily", partitionKey: "c", instance });
    await materialize(definitions, { selection: "daily", partitionKey: "a", instance });
    // "a" was materialized before its latest attempt failed: it counts as failed, not materialized.
    expect((await row("daily")).partitions).toEqual({ total: 5, materialized: 2, failed: 2, missing: 1 });
    expect((await get("/api/asset?key=daily")).asset.partitions.ranges.map((r: { status: string; start: string; end: string }) => `${r.status}:${r.start}..${r.end}`)).toEqual([
      "failed:a..a",
      "materialized:b..c",
      "failed:d..d",
      "missing:e..e",
    ]);
  });
});
