import { describe, expect, it } from "vitest";
import pl from "nodejs-polars";
import { isOrchError, type TypeCheckContext } from "@orch/core";
import { col, frame, isDataFrameLike, undeclaredFrameError } from "./index.ts";

const ctx: TypeCheckContext = { runId: "r1", stepKey: "orders", subject: "asset orders", direction: "output" };
const Orders = frame({ order_id: col.int64().unique(), amount: col.float64().min(0) }, { name: "Orders" });
const df = (ids: number[], amounts: number[]) => pl.DataFrame({ order_id: pl.Series(ids).cast(pl.Int64), amount: amounts });

describe("FrameSchema.check (the kernel's TypeCheck)", () => {
  it("succeeds with metadata: per-check results, row count and column statistics", async () => {
    const result = await Orders.check(df([1, 2], [5, 7]), ctx);
    expect(result.success).toBe(true);
    expect(result.description).toBe("Orders for asset orders: all 6 checks passed on 2 rows.");
    expect(result.metadata).toMatchObject({
      schema: "Orders",
      row_count: 2,
      passed: true,
      columns: { amount: { dtype: "float64", null_count: 0, min: 5, max: 7, distinct_count: 2 } },
    });
    expect((result.metadata!.checks as unknown[]).length).toBe(6);
  });

  it("fails with a table naming column, check, failing rows and examples", async () => {
    const result = await Orders.check(df([1, 1, 2], [-1, 3, -2.5]), ctx);
    expect(result.success).toBe(false);
    expect(result.severity).toBe("error");
    expect(result.description).toBe(
      [
        "Orders for asset orders: 2 of 6 checks failed on 3 rows (error).",
        "column    check   severity  failing rows  examples",
        "order_id  unique  error     1             1",
        "amount    >= 0    error     2             -1, -2.5",
      ].join("\n"),
    );
  });

  it("refuses a value that is not a frame, naming the asset and what it received", async () => {
    const result = await Orders.check([{ order_id: 1 }], ctx);
    expect(result).toMatchObject({ success: false, severity: "error" });
    expect(result.description).toBe(
      "asset orders declares dataframe schema Orders, so it must be a polars DataFrame, polars LazyFrame or Arrow Table; received array of 1.",
    );
  });

  it("returns the coerced frame as the replacement value", async () => {
    const result = await Orders.with({ coerce: true }).check(pl.DataFrame({ order_id: [1, 2], amount: [1, 2] }), ctx);
    expect(result.success).toBe(true);
    expect(String((result.value as pl.DataFrame).schema.order_id)).toBe(String(pl.Int64));
  });
});

describe("isDataFrameLike and undeclared frames", () => {
  it("recognises polars and Arrow frames only", () => {
    expect(isDataFrameLike(df([1], [1]))).toBe(true);
    expect(isDataFrameLike(df([1], [1]).lazy())).toBe(true);
    expect(isDataFrameLike({ columns: [] })).toBe(false);
    expect(isDataFrameLike(null)).toBe(false);
  });

  it("builds the kernel's error for a frame returned without a schema", () => {
    const error = undeclaredFrameError("asset orders", df([1, 2], [1, 2]));
    expect(isOrchError(error, "DATAFRAME_UNDECLARED")).toBe(true);
    expect(error.message).toContain("asset orders returned a polars DataFrame (2 rows × 2 columns) but declares no dataframe schema");
  });
});
