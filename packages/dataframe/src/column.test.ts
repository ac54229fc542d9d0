import { describe, expect, expectTypeOf, it } from "vitest";
import type { TypeCheck } from "@orch/core";
import { col, dtypeLabel, frame, toPolarsType, fromPolarsType, type FrameLike, type Infer } from "./index.ts";

describe("column DSL", () => {
  it("builds immutable columns: each call returns a new column with one more check", () => {
    const base = col.float64();
    const bounded = base.min(0).max(10, { exclusive: true, severity: "warn" });
    expect(base.spec.checks).toHaveLength(0);
    expect(bounded.spec.checks.map((c) => c.name)).toEqual([">= 0", "< 10"]);
    expect(bounded.spec.checks[1]!.severity).toBe("warn");
    expect(base.nullable().spec.nullable).toBe(true);
    expect(base.spec.nullable).toBe(false);
  });

  it("labels every dtype and maps it to Polars and back", () => {
    const columns = [
      col.int8(), col.int16(), col.int32(), col.int64(), col.uint8(), col.uint16(), col.uint32(), col.uint64(),
      col.float32(), col.float64(), col.boolean(), col.utf8(), col.categorical(), col.date(),
      col.datetime("ms", "UTC"), col.datetime("ns"), col.duration("ms"), col.decimal(10, 2),
      col.list(col.int32()), col.struct({ a: col.utf8(), b: col.list(col.float64()) }),
    ];
    for (const c of columns) expect(fromPolarsType(toPolarsType(c.spec.dtype))).toEqual(c.spec.dtype);
    expect(columns.map((c) => dtypeLabel(c.spec.dtype)).slice(14)).toEqual([
      "datetime[ms, UTC]", "datetime[ns]", "duration[ms]", "decimal[10, 2]", "list[int32]", "struct{a: utf8, b: list[float64]}",
    ]);
  });
});

describe("Infer", () => {
  const Orders = frame(
    {
      order_id: col.int64().unique(),
      amount: col.float64().min(0),
      status: col.utf8().isin(["placed", "shipped", "returned"]),
      ordered_at: col.datetime("ms", "UTC"),
      note: col.utf8().nullable(),
      coupon: col.utf8().optional(),
      tags: col.list(col.utf8().nullable()),
      address: col.struct({ city: col.utf8(), zip: col.int32().nullable() }),
      big: col.uint64(),
    },
    { uniqueTogether: [["order_id", "status"]] },
  );

  it("gives the row type, narrowing isin to its literals", () => {
    expectTypeOf<Infer<typeof Orders>>().toEqualTypeOf<{
      order_id: number;
      amount: number;
      status: "placed" | "shipped" | "returned";
      ordered_at: Date;
      note: string | null;
      coupon?: string;
      tags: (string | null)[];
      address: { city: string; zip: number | null };
      big: bigint;
    }>();
  });

  it("is a core TypeCheck of frames, so it can be an asset output", () => {
    expectTypeOf(Orders).toExtend<TypeCheck<FrameLike>>();
    expect(Orders.kind).toBe("orch.type");
    expect(Orders.name).toBe("frame(order_id, amount, status, ordered_at, note, coupon, tags, address, big)");
  });
});
