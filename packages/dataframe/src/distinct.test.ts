import { describe, expect, it } from "vitest";
import pl from "nodejs-polars";
import { distinctCount, lowCardinalityColumns } from "./distinct.ts";

describe("distinct counts", () => {
  it("gives the same exact count both ways, nulls counting as one value", async () => {
    const df = pl.DataFrame({
      int: pl.Series([3, 1, null, 3, 2, null]).cast(pl.Int64),
      float: [0.5, -0.0, null, 0.5, 1.5, 2.5],
      text: ["a", "b", null, "a", "c", "b"],
      flag: [true, null, false, true, true, false],
      cat: pl.Series(["x", "y", "x", null, "y", "x"]).cast(pl.Categorical),
      when: pl.Series([1, 2, 1, null, 3, 3]).cast(pl.Int64).cast(pl.Datetime("ms", "UTC")),
    });
    const exprs = df.columns.flatMap((c) => [distinctCount(pl.col(c), false).alias(`${c}_n`), distinctCount(pl.col(c), true).alias(`${c}_u`)]);
    const row: Record<string, unknown> = df.select(...exprs).toRecords()[0]!;
    const expected: Record<string, number> = { int: 4, float: 5, text: 4, flag: 3, cat: 3, when: 4 };
    for (const [c, n] of Object.entries(expected)) expect([c, Number(row[`${c}_n`]), Number(row[`${c}_u`])]).toEqual([c, n, n]);
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
});
