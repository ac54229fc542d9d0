import { describe, expect, it } from "vitest";
import { isOrchError } from "../errors.ts";
import { multiPartitions } from "../partitions/multi-partitions.ts";
import { staticPartitions } from "../partitions/static-partitions.ts";
import { dailyPartitions } from "../partitions/time-window-partitions.ts";
import { partitionPredicate } from "./partition-predicate.ts";
import type { WarehouseClient } from "./table-client.ts";
import { tableRefFor } from "./table-naming.ts";

// Only the SQL-text parts of a client: predicates and names need no warehouse.
const client = {
  name: "test",
  validateName: (name: string) => (name.includes(".") ? "it contains a dot" : undefined),
  quoteIdentifier: (name: string) => `"${name}"`,
  literal: (value: string) => `'${value.replace(/'/g, "''")}'`,
  timestampLiteral: (iso: string) => `TS '${iso}'`,
} as unknown as WarehouseClient;

const predicate = (metadata: Record<string, unknown>, partitions: Parameters<typeof partitionPredicate>[1]["partitions"], keys: string[]) =>
  partitionPredicate(client, { assetKey: ["a", "b"], metadata: metadata as never, partitions, keys });

describe("partition predicates", () => {
  const daily = dailyPartitions({ start: "2024-01-01", end: "2024-02-01" });

  it("turns one day, and a range of days in any order, into one half-open window", () => {
    expect(predicate({ partitionExpr: "ts" }, daily, ["2024-01-02"])).toBe("ts >= TS '2024-01-02T00:00:00Z' AND ts < TS '2024-01-03T00:00:00Z'");
    expect(predicate({ partitionExpr: "date_trunc('day', ts)" }, daily, ["2024-01-05", "2024-01-03", "2024-01-04"])).toBe(
      "date_trunc('day', ts) >= TS '2024-01-03T00:00:00Z' AND date_trunc('day', ts) < TS '2024-01-06T00:00:00Z'",
    );
  });

  it("lists static keys, quoted as literals", () => {
    expect(predicate({ partitionExpr: "region" }, staticPartitions(["eu", "o'hare"]), ["eu", "o'hare", "eu"])).toBe("region IN ('eu', 'o''hare')");
  });

  it("joins the dimensions of multi-partitions", () => {
    const multi = multiPartitions({ date: daily, region: staticPartitions(["eu", "us"]) });
    expect(predicate({ partitionExpr: { date: "ts", region: "region" } }, multi, ["2024-01-01|eu", "2024-01-01|us"])).toBe(
      "(ts >= TS '2024-01-01T00:00:00Z' AND ts < TS '2024-01-02T00:00:00Z') AND (region IN ('eu', 'us'))",
    );
    const error = (() => {
      try {
        return predicate({ partitionExpr: { date: "ts" } }, multi, ["2024-01-01|eu"]);
      } catch (e) {
        return e;
      }
    })();
    expect(isOrchError(error, "TABLE_PARTITION_EXPR_MISSING")).toBe(true);
    expect((error as Error).message).toContain('{ date: "<column>", region: "<column>" }');
  });

  it("is absent for unpartitioned steps and refused for partitioned assets without partitionExpr", () => {
    expect(predicate({}, undefined, [])).toBeUndefined();
    expect(() => predicate({}, daily, ["2024-01-01"])).toThrow(/Asset "a\/b" is partitioned \(daily from 2024-01-01/);
    // Keys without the partitions definition (a context copied across threads) must never mean "the whole table".
    expect(() => predicate({ partitionExpr: "ts" }, undefined, ["2024-01-01"])).toThrow(/was not given its partitions definition/);
  });
});

describe("table names", () => {
  it("maps the key's last two segments to schema.table, with metadata overrides and a default schema", () => {
    expect(tableRefFor(["warehouse", "sales", "orders"], {}, "public", client)).toEqual({ schema: "sales", table: "orders" });
    expect(tableRefFor(["orders"], {}, "public", client)).toEqual({ schema: "public", table: "orders" });
    expect(tableRefFor(["orders"], { schema: "raw", table: "orders_v2" }, "public", client)).toEqual({ schema: "raw", table: "orders_v2" });
  });

  it("refuses names the client refuses, and non-string overrides, naming the asset", () => {
    expect(() => tableRefFor(["s", "t"], { table: "a.b" }, "public", client)).toThrow(/Asset "s\/t" maps to table name "a.b", which test cannot hold: it contains a dot/);
    expect(() => tableRefFor(["s", "t"], { schema: 3 as never }, "public", client)).toThrow(/metadata "schema" must be a non-empty string/);
  });
});
