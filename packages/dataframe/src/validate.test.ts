import { describe, expect, it } from "vitest";
import pl from "nodejs-polars";
import { tableFromIPC } from "apache-arrow";
import { col, frame, frameToIPC, isArrowTable, isPolarsDataFrame, isPolarsLazyFrame, reportMetadata } from "./index.ts";

const ts = (ms: number[]) => pl.Series(ms).cast(pl.Int64).cast(pl.Datetime("ms", "UTC"));

const Orders = frame(
  {
    order_id: col.int64().unique(),
    amount: col.float64().min(0),
    status: col.utf8().isin(["placed", "shipped", "returned"]),
    sku: col.utf8().matches(/^SKU-\d+$/).length({ max: 8 }),
    ordered_at: col.datetime("ms", "UTC").min(new Date(0), { exclusive: true }),
  },
  { name: "Orders", uniqueTogether: [["order_id", "status"]] },
);

function orders(overrides: Record<string, pl.Series | unknown[]> = {}) {
  return pl.DataFrame({
    order_id: pl.Series([1, 2, 3, 4]).cast(pl.Int64),
    amount: [10, 0, 2.5, 99],
    status: ["placed", "shipped", "returned", "placed"],
    sku: ["SKU-1", "SKU-2", "SKU-3", "SKU-4"],
    ordered_at: ts([1, 2, 3, 4]),
    ...overrides,
  });
}

const failed = (report: { outcomes: readonly { passed: boolean; column: string | null; check: string }[] }) =>
  report.outcomes.filter((o) => !o.passed).map((o) => `${o.column ?? "(frame)"}: ${o.check}`);

describe("validate", () => {
  it("passes a valid frame and reports row count and column statistics", async () => {
    const report = await Orders.validate(orders());
    expect(report.passed).toBe(true);
    expect(report.rows).toBe(4);
    expect(report.columns.amount).toEqual({ dtype: "float64", nullCount: 0, min: 0, max: 99, distinctCount: 4 });
    expect(report.columns.ordered_at!.min).toEqual(new Date(1));
    expect(report.columns.status!.distinctCount).toBe(3);
  });

  it("reports every failing check with its column, failing row count and examples", async () => {
    const report = await Orders.validate(
      orders({
        order_id: pl.Series([1, 1, 3, 3]).cast(pl.Int64),
        amount: [-1, null, -3, 5],
        status: ["placed", "placed", "lost", "returned"],
        sku: ["SKU-1", "sku-2", "SKU-123456", "SKU-4"],
        ordered_at: ts([0, 2, 3, 4]),
      }),
    );
    expect(report.passed).toBe(false);
    expect(report.severity).toBe("error");
    expect(failed(report)).toEqual([
      "order_id: unique",
      "amount: not null",
      "amount: >= 0",
      "status: isin(\"placed\", \"shipped\", \"returned\")",
      "sku: matches(/^SKU-\\d+$/)",
      "sku: length(..8)",
      "ordered_at: > 1970-01-01T00:00:00.000Z",
      "(frame): unique together (order_id, status)",
    ]);
    const byCheck = Object.fromEntries(report.outcomes.map((o) => [`${o.column}:${o.check}`, o]));
    expect(byCheck["order_id:unique"]).toMatchObject({ failingRows: 2, examples: [1, 3] });
    expect(byCheck["amount:>= 0"]).toMatchObject({ failingRows: 2, examples: [-1, -3] });
    expect(byCheck["amount:not null"]).toMatchObject({ failingRows: 1 });
    expect(byCheck["sku:length(..8)"]).toMatchObject({ failingRows: 1, examples: ["SKU-123456"] });
    expect(byCheck["null:unique together (order_id, status)"]).toMatchObject({ failingRows: 1, examples: [{ order_id: 1, status: "placed" }] });
  });

  it("keeps at most sampleSize examples", async () => {
    const n = 50;
    const df = pl.DataFrame({ v: pl.Series(Array.from({ length: n }, (_, i) => -i - 1)).cast(pl.Int32) });
    const report = await frame({ v: col.int32().min(0) }).validate(df);
    expect(report.outcomes.find((o) => o.check === ">= 0")).toMatchObject({ failingRows: 50, examples: [-1, -2, -3, -4, -5, -6, -7, -8, -9, -10] });
    const three = await frame({ v: col.int32().min(0) }).validate(df, { sampleSize: 3 });
    expect(three.outcomes.find((o) => o.check === ">= 0")!.examples).toHaveLength(3);
  });

  it("accepts a LazyFrame and an Arrow Table", async () => {
    expect((await Orders.validate(orders().lazy())).passed).toBe(true);
    const table = tableFromIPC(frameToIPC(orders({ amount: [1, -2, 3, 4] })));
    const report = await Orders.validate(table);
    expect(failed(report)).toEqual(["amount: >= 0"]);
  });

  it("checks dtypes, missing and extra columns, order and row count", async () => {
    const schema = frame({ a: col.int32(), b: col.utf8(), c: col.boolean().optional() }, { strict: true, ordered: true, rows: { min: 3 } });
    const report = await schema.validate(pl.DataFrame({ b: ["x"], a: [1.5], extra: [true] }));
    expect(report.outcomes.filter((o) => !o.passed).map((o) => [o.column, o.check, o.detail])).toEqual([
      ["a", "dtype int32", "found float64"],
      [null, "no extra columns", "extra: extra"],
      [null, "column order", "found b, a"],
      [null, "row count 3..∞", "found 1 rows"],
    ]);
    const missing = await schema.validate(pl.DataFrame({ a: pl.Series([1, 2, 3]).cast(pl.Int32) }));
    expect(missing.outcomes.filter((o) => !o.passed).map((o) => [o.column, o.detail])).toEqual([["b", "column is missing"]]);
  });

  it("runs named custom column and frame checks written as Polars expressions", async () => {
    const schema = frame(
      { start: col.int32(), end: col.int32().check("even", (c) => c.modulo(2).eq(0)) },
      { checks: [{ name: "start before end", check: pl.col("start").lt(pl.col("end")) }] },
    );
    const df = pl.DataFrame({ start: pl.Series([1, 5, 2]).cast(pl.Int32), end: pl.Series([2, 4, 3]).cast(pl.Int32) });
    const report = await schema.validate(df);
    expect(report.outcomes.filter((o) => !o.passed).map((o) => [o.column, o.check, o.failingRows, o.examples])).toEqual([
      ["end", "even", 1, [3]],
      [null, "start before end", 1, [{ start: 5, end: 4 }]],
    ]);
  });

  it("allows nulls only in nullable columns, and value checks skip nulls", async () => {
    // A warning: the frame is stored, so its statistics are computed.
    const schema = frame({ a: col.float64().nullable().min(0).isin([1, 2]), b: col.categorical().notin(["x"], { severity: "warn" }) });
    const df = pl.DataFrame({ a: [1, null, 2], b: pl.Series(["y", "x", "z"]).cast(pl.Categorical) });
    const report = await schema.validate(df);
    expect(failed(report)).toEqual(['b: notin("x")']);
    expect(report.columns.a!.nullCount).toBe(1);
  });

  it("gives a string column with a passing isin the statistics its values give, nulls and byte order included", async () => {
    // "～" (U+FF5E) sorts after "😀" in JS (UTF-16) but before it in Polars (UTF-8 bytes), which orders the column.
    const values = ["b", null, "～", "a", "😀", "b", null, "a"];
    const df = pl.DataFrame({ s: pl.Series("s", values, pl.Utf8) });
    const allowed = ["a", "b", "c", "😀", "～"];
    const plain = await frame({ s: col.utf8().nullable() }).validate(df);
    expect(plain.columns.s).toEqual({ dtype: "utf8", nullCount: 2, min: "a", max: "😀", distinctCount: 5 });
    const checked = await frame({ s: col.utf8().nullable().isin(allowed) }).validate(df);
    expect(checked.passed).toBe(true);
    expect(checked.columns.s).toEqual(plain.columns.s);
    // A failing isin of severity warn leaves the statistics to the values themselves.
    const warned = await frame({ s: col.utf8().nullable().isin(["a", "b"], { severity: "warn" }) }).validate(df);
    expect(warned.outcomes.find((o) => o.check.startsWith("isin"))).toMatchObject({ passed: false, failingRows: 2, examples: ["～", "😀"] });
    expect(warned.columns.s).toEqual(plain.columns.s);
    expect((await frame({ s: col.utf8().nullable().isin(allowed) }).validate(df, { stats: "basic" })).columns.s).toEqual({ dtype: "utf8", nullCount: 2, min: "a", max: "😀" });
    // Without nulls, and with allowed values that never occur.
    const full = await frame({ s: col.utf8().isin(allowed) }).validate(pl.DataFrame({ s: ["c", "c"] }));
    expect(full.columns.s).toEqual({ dtype: "utf8", nullCount: 0, min: "c", max: "c", distinctCount: 1 });
    const empty = await frame({ s: col.utf8().nullable().isin(allowed) }).validate(pl.DataFrame({ s: pl.Series("s", [null, null], pl.Utf8) }));
    expect(empty.columns.s).toEqual({ dtype: "utf8", nullCount: 2, min: null, max: null, distinctCount: 1 });
    expect((await frame({ s: col.utf8().nullable() }).validate(pl.DataFrame({ s: pl.Series("s", [null, null], pl.Utf8) }))).columns.s).toEqual(empty.columns.s);
    // On a large unsorted frame the count is exact, where a string column's count is otherwise taken over hashes.
    const n = 1_100_000;
    const big = pl.DataFrame({ i: pl.Series("i", Int32Array.from({ length: n }, (_, i) => i)) }).select(
      pl.when(pl.col("i").hash(3).modulo(3).eq(0)).then(pl.lit("placed")).when(pl.col("i").hash(3).modulo(3).eq(1)).then(pl.lit("shipped")).otherwise(pl.lit("lost")).alias("s"),
    );
    const statuses = await frame({ s: col.utf8().isin(["placed", "shipped", "lost", "returned"]) }).validate(big);
    expect(statuses.columns.s).toEqual({ dtype: "utf8", nullCount: 0, min: "lost", max: "shipped", distinctCount: 3 });
    expect((await frame({ s: col.utf8() }).validate(big)).columns.s).toEqual({ ...statuses.columns.s, distinctCountHashed: true });
  });

  it("uses per-check severity: only warnings fail with severity warn", async () => {
    const schema = frame({ a: col.float64().max(10, { severity: "warn" }), b: col.utf8() });
    const warnOnly = await schema.validate(pl.DataFrame({ a: [11], b: ["x"] }));
    expect([warnOnly.passed, warnOnly.severity]).toEqual([false, "warn"]);
    const both = await schema.validate(pl.DataFrame({ a: [11], b: [null] as (string | null)[] }));
    expect(both.severity).toBe("error");
    const warnSchema = frame({ b: col.utf8() }, { severity: "warn" });
    expect((await warnSchema.validate(pl.DataFrame({ b: [null] as (string | null)[] }))).severity).toBe("warn");
  });

  it("skips the column statistics of a frame failing an error-severity check, and keeps every check's result", async () => {
    const schema = frame({ id: col.int64().unique(), v: col.float64().max(10, { severity: "warn" }) });
    const df = pl.DataFrame({ id: pl.Series([1, 2, 2]).cast(pl.Int64), v: [1, 20, 3] });
    for (const value of [df, df.lazy()]) {
      const report = await schema.validate(value);
      expect([report.passed, report.severity, report.statsSkipped, report.columns]).toEqual([false, "error", true, {}]);
      expect(failed(report)).toEqual(["id: unique", "v: <= 10"]);
      expect(report.outcomes.find((o) => o.check === "unique")).toMatchObject({ failingRows: 1, examples: [2] });
      expect(reportMetadata(report)).toMatchObject({ passed: false, columns: {}, stats_skipped: true });
    }
    // A structural failure is known before any query: no statistics either.
    const missing = await schema.validate(pl.DataFrame({ v: [1] }));
    expect([missing.statsSkipped, missing.columns]).toEqual([true, {}]);
    // Warnings alone: the frame is stored, so its statistics are computed.
    const warned = await schema.validate(pl.DataFrame({ id: pl.Series([1, 2]).cast(pl.Int64), v: [1, 20] }));
    expect([warned.severity, warned.statsSkipped]).toEqual(["warn", undefined]);
    expect(warned.columns.v).toEqual({ dtype: "float64", nullCount: 0, min: 1, max: 20, distinctCount: 2 });
    expect(warned.columns.id).toEqual({ dtype: "int64", nullCount: 0, min: 1, max: 2, distinctCount: 2 });
  });
});

describe("coercion", () => {
  const Schema = frame({ id: col.int32(), when: col.date() }, { coerce: true });

  it("casts to the declared dtypes and returns the same kind of frame", async () => {
    const df = pl.DataFrame({ id: [1, 2], when: ["2024-01-01", "2024-02-29"] });
    const report = await Schema.validate(df);
    expect(report.passed).toBe(true);
    expect(isPolarsDataFrame(report.coerced)).toBe(true);
    const coerced = report.coerced as pl.DataFrame;
    expect(String(coerced.schema.id)).toBe(String(pl.Int32));
    expect(coerced.getColumn("when").toArray()).toEqual([new Date("2024-01-01"), new Date("2024-02-29")]);
    expect(isPolarsLazyFrame((await Schema.validate(df.lazy())).coerced)).toBe(true);
    expect(isArrowTable((await Schema.validate(tableFromIPC(frameToIPC(df)))).coerced)).toBe(true);
  });

  it("fails clearly when a cast would lose data, with the values that would be lost", async () => {
    const report = await Schema.validate(pl.DataFrame({ id: [1, 2.5, 3e10], when: ["2024-01-01", "not a date", "2024-03-01"] }));
    expect(report.passed).toBe(false);
    expect(report.coerced).toBeUndefined();
    expect(report.outcomes.filter((o) => !o.passed).map((o) => [o.column, o.check, o.failingRows, o.examples])).toEqual([
      ["id", "cast float64 → int32", 2, [2.5, 3e10]],
      ["when", "cast utf8 → date", 1, ["not a date"]],
    ]);
  });
});

describe("costs kept down", () => {
  it("reports statistics per the stats mode, and unique checks hold in every mode", async () => {
    const schema = frame({ id: col.int64().unique({ severity: "warn" }), v: col.float64() });
    const df = pl.DataFrame({ id: pl.Series([1, 2, 2]).cast(pl.Int64), v: [1, 2, 3] });
    const full = await schema.validate(df);
    expect(full.columns.v).toEqual({ dtype: "float64", nullCount: 0, min: 1, max: 3, distinctCount: 3 });
    const basic = await schema.validate(df, { stats: "basic" });
    expect(basic.columns.v).toEqual({ dtype: "float64", nullCount: 0, min: 1, max: 3 });
    expect(basic.columns.id).toEqual({ dtype: "int64", nullCount: 0, min: 1, max: 2 });
    const none = await schema.with({ stats: "none" }).validate(df);
    expect(none.columns).toEqual({});
    for (const report of [full, basic, none]) expect(report.outcomes.find((o) => o.check === "unique")).toMatchObject({ failingRows: 1, examples: [2] });
  });

  it("settles unique-together the same way for in-memory and lazy frames, with or without an all-distinct key", async () => {
    const schema = frame({ a: col.int32(), b: col.utf8().nullable() }, { uniqueTogether: [["a", "b"]] });
    const cases: [pl.DataFrame, number][] = [
      [pl.DataFrame({ a: pl.Series([1, 2, 3]).cast(pl.Int32), b: ["x", "x", null] }), 0], // a is all-distinct
      [pl.DataFrame({ a: pl.Series([1, 1, 2]).cast(pl.Int32), b: ["x", null, null] }), 0], // b's one null is distinct
      [pl.DataFrame({ a: pl.Series([1, 1, 1, 2]).cast(pl.Int32), b: ["x", "y", "x", null] }), 1],
      [pl.DataFrame({ a: pl.Series([1, 1, 2]).cast(pl.Int32), b: [null, null, "x"] }), 1], // (1, null) twice
    ];
    for (const [df, failing] of cases) {
      for (const value of [df, df.lazy()]) {
        for (const stats of ["full", "basic"] as const) {
          const outcome = (await schema.validate(value, { stats })).outcomes.find((o) => o.check === "unique together (a, b)");
          expect(outcome).toMatchObject({ passed: failing === 0, failingRows: failing });
        }
      }
    }
  });

  it("takes duplicate examples in row order from the rows whose values repeat, ignoring repeated nulls", async () => {
    const schema = frame({ k: col.int32().nullable().unique(), t: col.utf8() }, { uniqueTogether: [["k", "t"]] });
    const df = pl.DataFrame({ k: pl.Series([null, 5, null, 3, 5, 3, 5, 9]).cast(pl.Int32), t: ["a", "a", "b", "b", "a", "c", "b", "a"] });
    for (const value of [df, df.lazy()]) {
      const report = await schema.validate(value);
      expect(report.outcomes.filter((o) => !o.passed).map((o) => [o.check, o.failingRows, o.examples])).toEqual([
        ["unique", 3, [5, 3, 5]],
        ["unique together (k, t)", 1, [{ k: 5, t: "a" }]],
      ]);
    }
  });

  it("counts a unique check on unsorted numbers from one sorted copy: exact count, examples in row order, distinct count", async () => {
    const n = 1_200_000;
    // A scrambled permutation of 0..n-1 except: rows 10 and 20 are null, row 900,000 repeats row 5's value twice
    // over (rows 900,000 and 1,000,000), row 950,000 repeats row 7's.
    const df = pl.DataFrame({ i: pl.Series("i", Int32Array.from({ length: n }, (_, i) => i)) }).select(
      pl.col("i"),
      pl
        .when(pl.col("i").isIn([10, 20])).then(pl.lit(null))
        .when(pl.col("i").isIn([900_000, 1_000_000])).then(pl.lit(5 * 7919))
        .when(pl.col("i").eq(950_000)).then(pl.lit(7 * 7919))
        .otherwise(pl.col("i").cast(pl.Int64).mul(7919).modulo(n)).cast(pl.Int64).alias("id"),
    );
    const schema = frame({ i: col.int32(), id: col.int64().nullable().unique({ severity: "warn" }) });
    const exact = Number((df.select(pl.col("id").nUnique()).toRecords()[0] as Record<string, unknown>).id);
    for (const value of [df, df.lazy()]) {
      const report = await schema.validate(value, { sampleSize: 2 });
      expect(report.outcomes.find((o) => o.check === "unique")).toMatchObject({ passed: false, failingRows: 3, examples: [5 * 7919, 7 * 7919] });
      expect(report.columns.id).toMatchObject({ nullCount: 2, distinctCount: exact });
    }
    expect(exact).toBe(n - 5 + 1); // 5 values replaced by nulls and repeats, nulls counting as one value
  });

  it("settles unique-together on the rows holding a key column's few repeated values, nulls included", async () => {
    // k has one repeat (row 80 repeats row 10) and two nulls: unique together (k, t) fails once, on the nulls.
    const k = Array.from({ length: 100 }, (_, i): number | null => (i === 50 || i === 70 ? null : i === 80 ? 10 : i));
    const df = pl.DataFrame({ k: pl.Series(k).cast(pl.Int32), t: Array.from({ length: 100 }, (_, i) => (i === 80 ? "b" : "a")) });
    const schema = frame({ k: col.int32().nullable().unique({ severity: "warn" }), t: col.utf8() }, { uniqueTogether: [["k", "t"]], severity: "warn" });
    for (const value of [df, df.lazy()]) {
      const report = await schema.validate(value);
      expect(report.outcomes.filter((o) => !o.passed).map((o) => [o.check, o.failingRows, o.examples])).toEqual([
        ["unique", 1, [10]],
        ["unique together (k, t)", 1, [{ k: null, t: "a" }]],
      ]);
    }
    // The same narrowing from a sorted, null-free key column of a large frame (ordered timestamps).
    const n = 1_100_000;
    const big = pl.DataFrame({ i: pl.Series("i", Int32Array.from({ length: n }, (_, i) => i)) }).select(
      pl.col("i").modulo(1000).cast(pl.Int32).alias("a"),
      pl.when(pl.col("i").isIn([401, 700_001])).then(pl.col("i").sub(1)).otherwise(pl.col("i")).cast(pl.Int64).cast(pl.Datetime("ms", "UTC")).alias("at"),
    );
    const pairs = frame({ a: col.int32(), at: col.datetime("ms", "UTC") }, { uniqueTogether: [["a", "at"]] });
    const outcome = (await pairs.validate(big)).outcomes.find((o) => o.check === "unique together (a, at)");
    // Row 401 repeats row 400's time but not its `a`; row 700,001 repeats row 700,000's time and `a` differs too.
    expect(outcome).toMatchObject({ passed: true, failingRows: 0 });
    const dup = big.withColumns(pl.when(pl.col("at").eq(pl.lit(new Date(700_000)).cast(pl.Datetime("ms", "UTC")))).then(pl.lit(7).cast(pl.Int32)).otherwise(pl.col("a")).alias("a"));
    const failed = (await pairs.validate(dup)).outcomes.find((o) => o.check === "unique together (a, at)");
    expect(failed).toMatchObject({ passed: false, failingRows: 1, examples: [{ a: 7, at: new Date(700_000) }] });
  });

  it("compares integer bounds exactly on integer columns, also for fractional and large bounds", async () => {
    const df = pl.DataFrame({ i: pl.Series([0, 1, 2]).cast(pl.Int32), big: pl.Series([2 ** 53, 1, 5]).cast(pl.Int64) });
    const report = await frame({
      i: col.int32().min(1).max(0.5, { severity: "warn" }).min(1, { exclusive: true }),
      big: col.int64().max(2 ** 53 - 1),
    }).validate(df);
    expect(report.outcomes.filter((o) => !o.passed).map((o) => [o.column, o.check, o.examples])).toEqual([
      ["i", ">= 1", [0]],
      ["i", "<= 0.5", [1, 2]],
      ["i", "> 1", [0, 1]],
      ["big", "<= 9007199254740991", [2 ** 53]],
    ]);
  });

  it("counts distinct values exactly on large frames, where low-cardinality columns take another path", async () => {
    const n = 1_200_000;
    const df = pl.DataFrame({ id: pl.Series("id", Int32Array.from({ length: n }, (_, i) => i)) }).select(
      pl.col("id"),
      pl.col("id").modulo(7).cast(pl.Int32).alias("day"),
    );
    const report = await frame({ id: col.int32().unique(), day: col.int32().unique({ severity: "warn" }) }).validate(df);
    expect(report.outcomes.filter((o) => o.check.startsWith("dtype")).every((o) => o.passed)).toBe(true);
    expect(report.columns.id!.distinctCount).toBe(n);
    expect(report.columns.day!.distinctCount).toBe(7);
    expect(report.outcomes.filter((o) => o.check === "unique").map((o) => [o.column, o.failingRows])).toEqual([["id", 0], ["day", n - 7]]);
  });

  it("counts unsorted strings of a large frame over hashes, says so, and still counts a failing unique check exactly", async () => {
    const n = 1_200_000;
    const df = pl
      .DataFrame({ i: pl.Series("i", Int32Array.from({ length: n }, (_, i) => i)) })
      .select(
        pl.col("i"),
        // A permutation of 0..n-1 in scrambled order, except that row 600,000 repeats row 0's key.
        pl.format("k{}", pl.when(pl.col("i").eq(600_000)).then(pl.lit(0).cast(pl.Int64)).otherwise(pl.col("i").cast(pl.Int64).mul(7919).modulo(n)).cast(pl.Int64)).alias("key"),
        pl.format("g{}", pl.col("i").modulo(1000)).alias("group"),
      );
    const report = await frame({ i: col.int32(), key: col.utf8().unique({ severity: "warn" }), group: col.utf8() }).validate(df);
    expect(Number((df.select(pl.col("key").nUnique()).toRecords()[0] as Record<string, unknown>).key)).toBe(n - 1);
    expect(report.columns.key).toMatchObject({ distinctCount: n - 1, distinctCountHashed: true });
    expect(report.columns.group).toMatchObject({ distinctCount: 1000, distinctCountHashed: true });
    expect(report.columns.i).not.toHaveProperty("distinctCountHashed");
    const unique = report.outcomes.find((o) => o.check === "unique");
    expect(unique).toMatchObject({ passed: false, failingRows: 1, examples: ["k0"] });
  });

  it("checks unique-together on a large shuffled frame whose key columns each repeat, exactly and with examples", async () => {
    const n = 1_100_000;
    const base = pl.DataFrame({ i: pl.Series("i", Int32Array.from({ length: n }, (_, i) => i)) }).select(
      pl.col("i"),
      pl.col("i").modulo(1009).cast(pl.Int32).alias("a"), // neither column is unique; together they are for the first ~1M rows
      pl.format("b{}", pl.col("i").modulo(1013)).alias("b"),
    );
    const pairs = base.groupBy(["a", "b"]).agg(pl.len().alias("n")).height;
    expect(pairs).toBeLessThan(n);
    const shuffled = base.withColumns(pl.col("i").hash(7).alias("r")).sort("r").drop("r");
    const schema = frame({ i: col.int32(), a: col.int32(), b: col.utf8() }, { uniqueTogether: [["a", "b"]] });
    const outcome = (await schema.validate(shuffled)).outcomes.find((o) => o.check === "unique together (a, b)");
    expect(outcome).toMatchObject({ passed: false, failingRows: n - pairs });
    expect(outcome!.examples).toHaveLength(10);
    const firsts = shuffled.filter(pl.struct([pl.col("a"), pl.col("b")]).isFirstDistinct());
    const unique = await schema.validate(firsts);
    expect(unique.outcomes.find((o) => o.check === "unique together (a, b)")).toMatchObject({ passed: true, failingRows: 0 });
    // b is hashed once for the key hash and its distinct count (a hashed count, as for any large unsorted string column).
    const exact = (await firsts.lazy().select(pl.col("b").nUnique(), pl.col("b").min().alias("min"), pl.col("b").max().alias("max")).collect()).toRecords()[0]!;
    expect(unique.columns.b).toEqual({ dtype: "utf8", nullCount: 0, min: exact.min, max: exact.max, distinctCount: Number(exact.b), distinctCountHashed: true });
    expect((await schema.validate(firsts, { stats: "basic" })).columns.b).toEqual({ dtype: "utf8", nullCount: 0, min: exact.min, max: exact.max });
  });
});
