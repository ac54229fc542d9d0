// A frame schema used on its own: validate a polars DataFrame, read the report, coerce, and infer a schema.
// Run: node --conditions=@orch/source docs/concepts/examples/dataframes.example.ts   (tested by packages/dataframe/src/docs-example.test.ts)
import pl from "nodejs-polars";
import { col, formatReport, frame, inferSchema, type Infer } from "@orch/dataframe";

export const Orders = frame(
  {
    order_id: col.int64().unique(),
    amount: col.float64().min(0),
    status: col.utf8().isin(["placed", "shipped", "returned"]),
    ordered_at: col.datetime("ms", "UTC"),
    coupon: col.utf8().nullable().matches(/^[A-Z]{4}\d{2}$/),
  },
  { name: "Orders", uniqueTogether: [["order_id", "status"]] },
);
export type OrderRow = Infer<typeof Orders>;

export function sampleOrders(): pl.DataFrame {
  return pl.DataFrame({
    order_id: pl.Series([1, 2, 2, 4]).cast(pl.Int64),
    amount: [19.99, -5, 12, 40],
    status: ["placed", "shipped", "shipped", "lost"],
    ordered_at: pl.Series([1_700_000_000_000, 1_700_000_100_000, 1_700_000_200_000, 1_700_000_300_000]).cast(pl.Int64).cast(pl.Datetime("ms", "UTC")),
    coupon: ["SAVE10", null, "oops", null],
  });
}

export async function main(): Promise<string> {
  const report = await Orders.validate(sampleOrders());
  const inferred = await inferSchema(sampleOrders());
  return `${formatReport(report, "asset orders")}\n\n${inferred.toTypeScript("InferredOrders")}`;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await main());
