import { describe, expect, it } from "vitest";
import pl from "nodejs-polars";
import { tableFromIPC } from "apache-arrow";
import { fromArrowSchema, frameToIPC, inferSchema } from "./index.ts";

const sample = () =>
  pl.DataFrame({
    id: pl.Series([1, 2, 3]).cast(pl.Int64),
    amount: [1.5, null, 9],
    status: ["placed", "shipped", "placed"],
    at: pl.Series([0, 1000, 2000]).cast(pl.Int64).cast(pl.Datetime("ms", "UTC")),
  });

describe("inferSchema", () => {
  it("infers dtype, nullability, min/max and small category sets, and prints pasteable TypeScript", async () => {
    const inferred = await inferSchema(sample());
    expect(inferred.toTypeScript("Orders")).toBe(
      [
        'import { col, frame, type Infer } from "@orch/dataframe";',
        "",
        "export const Orders = frame({",
        "  id: col.int64().min(1).max(3),",
        "  amount: col.float64().nullable().min(1.5).max(9),",
        '  status: col.utf8().isin(["placed", "shipped"]),',
        '  at: col.datetime("ms", "UTC").min(new Date("1970-01-01T00:00:00.000Z")).max(new Date("1970-01-01T00:00:02.000Z")),',
        "});",
        "export type OrdersRow = Infer<typeof Orders>;",
        "",
      ].join("\n"),
    );
    expect((await inferred.schema.validate(sample())).passed).toBe(true);
    const other = sample().withColumns(pl.lit("lost").alias("status"));
    expect((await inferred.schema.validate(other)).passed).toBe(false);
  });

  it("reads dtypes and nullability from an Arrow schema", () => {
    const table = tableFromIPC(frameToIPC(sample()));
    const inferred = fromArrowSchema(table.schema);
    expect(inferred.toTypeScript("T")).toContain('  at: col.datetime("ms", "UTC").nullable(),');
    expect(inferred.drafts.status).toEqual({ dtype: { kind: "utf8" }, nullable: true });
  });
});
