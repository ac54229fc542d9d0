import { describe, expect, it } from "vitest";
import pl from "nodejs-polars";
import { distinctCount, lowCardinalityColumns, sortedColumns } from "./distinct.ts";
import { col, frame } from "./index.ts";

describe("distinct counts", () => {
  it("gives the same count every way, nulls counting as one value", async () => {
    const df = pl.DataFrame({
      int: pl.Series([3, 1, null, 3, 2, null]).cast(pl.Int64),
      float: [0.5, -0.0, null, 0.5, 1.5, 2.5],
      text: ["a", "b", null, "a", "c", "b"],
      flag: [true, null, false, true, true, false],
      cat: pl.Series(["x", "y", "x", null, "y", "x"]).cast(pl.Categorical),
      when: pl.Series([1, 2, 1, null, 3, 3]).cast(pl.Int64).cast(pl.Datetime("ms", "UTC")),
    });
    const methods = ["n-unique", "unique-counts", "hashed", "sort"] as const;
    const exprs = df.columns.flatMap((c) => [
      ...methods.map((m) => distinctCount(pl.col(c), m).alias(`${c}_${m}`)),
      distinctCount(pl.col(c), "hashed", undefined, true).alias(`${c}_hashed_few`), // hashes grouped rather than n_unique
    ]);
    const row: Record<string, unknown> = df.select(...exprs).toRecords()[0]!;
    const expected: Record<string, number> = { int: 4, float: 5, text: 4, flag: 3, cat: 3, when: 4 };
    const ways = [...methods, "hashed_few"];
    for (const [c, n] of Object.entries(expected)) expect([c, ...ways.map((m) => Number(row[`${c}_${m}`]))]).toEqual([c, n, n, n, n, n]);
  });

  it("samples large in-memory frames to find low-cardinality columns", async () => {
    const n = 300_000;
    const df = pl.DataFrame({ id: pl.Series("id", Int32Array.from({ length: n }, (_, i) => i)) }).select(
      pl.col("id"),
      pl.col("id").modulo(5).alias("few"),
      pl.format("k{}", pl.col("id").modulo(1_000)).alias("text"),
    );
    expect([...(await lowCardinalityColumns(df, ["id", "few", "text"], 100_000))].sort()).toEqual(["few", "text"]);
    expect((await lowCardinalityColumns(df, ["id", "few", "text"])).size).toBe(0); // under the default 1M rows
  });

  it("finds sorted, null-free columns and counts their distinct values by value changes", async () => {
    const n = 200_000;
    const df = pl.DataFrame({
      id: pl.Series("id", Int32Array.from({ length: n }, (_, i) => i)),
      repeats: pl.Series("repeats", Int32Array.from({ length: n }, (_, i) => Math.floor(i / 3))), // sorted, values thrice
      unsorted: pl.Series("unsorted", Int32Array.from({ length: n }, (_, i) => i % 7)),
      text: Array.from({ length: n }, (_, i) => `k${100_000 + Math.floor(i / 10)}`), // sorted strings
      late: pl.Series("late", Int32Array.from({ length: n }, (_, i) => (i === 150_000 ? 0 : i))), // unsorted past its first rows
    }).withColumns(
      pl.when(pl.col("id").eq(5)).then(pl.lit(null)).otherwise(pl.col("id")).alias("with_null"),
      pl.when(pl.col("id").eq(199_000)).then(pl.lit(null)).otherwise(pl.col("id")).alias("late_null"),
    );
    const sorted = await sortedColumns(df, df.columns, 100_000);
    expect([...sorted].sort()).toEqual(["id", "repeats", "text"]);
    const row: Record<string, unknown> = df.select(...[...sorted].flatMap((c) => [distinctCount(pl.col(c), "changes").alias(`${c}_s`), pl.col(c).nUnique().alias(`${c}_n`)])).toRecords()[0]!;
    for (const c of sorted) expect([c, Number(row[`${c}_s`])]).toEqual([c, Number(row[`${c}_n`])]);
  });

  it("still reports repeats in a sorted unique column exactly", async () => {
    const ids = Int32Array.from({ length: 1_200_000 }, (_, i) => i);
    ids[500] = 499; // one repeat, order kept
    const report = await frame({ id: col.int32().unique({ severity: "warn" }) }).validate(pl.DataFrame({ id: pl.Series("id", ids) }));
    const unique = report.outcomes.find((o) => o.check === "unique");
    expect(unique).toMatchObject({ passed: false, failingRows: 1 });
    expect(report.columns["id"]?.distinctCount).toBe(1_199_999);
  });
});
