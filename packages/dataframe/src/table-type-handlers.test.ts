import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { afterAll, describe, expect, it } from "vitest";
import { tableRows } from "@orch/core";
import { col } from "./col.ts";
import { frame } from "./frame.ts";
import { isArrowTable, isPolarsDataFrame } from "./frame-like.ts";
import { polarsToTable } from "./ipc.ts";
import { arrowInput, arrowTableTypeHandler, polarsTypeHandler } from "./table-type-handlers.ts";

const dir = mkdtempSync(join(tmpdir(), "orch-table-handlers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const Events = frame({ id: col.int64(), at: col.datetime("ms", "UTC"), tag: col.utf8().nullable() });
const events = () =>
  pl.DataFrame({
    id: pl.Series("id", [1, 2], pl.Int64),
    at: pl.Series("at", [new Date("2024-01-01T00:00:00Z"), new Date("2024-01-02T00:00:00Z")], pl.Datetime("ms", "UTC")),
    tag: pl.Series("tag", ["a", null], pl.Utf8),
  });

describe("Polars and Arrow table type handlers", () => {
  it("write frames (and collected LazyFrames) as Parquet batches with logical column types, and remove them on dispose", async () => {
    const polars = polarsTypeHandler();
    expect(polars.canStore(events().lazy())).toBe(true);
    expect(polars.canStore([{ id: 1 }])).toBe(false);
    const batch = (await polars.toBatch(events().lazy(), { formats: ["parquet"], tempDir: dir }))!;
    expect(batch).toMatchObject({ format: "parquet", rows: 2, columns: [{ name: "id", type: "int64" }, { name: "at", type: "datetime[ms, UTC]" }, { name: "tag", type: "utf8" }] });
    const back = await polars.fromBatch(batch, Events);
    expect(back.toRecords()).toEqual(events().toRecords());
    await batch.dispose?.();
    expect(() => pl.readParquet((batch as { path: string }).path)).toThrow();
  });

  it("fall back to rows for clients without Parquet, and declare the columns of a frame schema", async () => {
    const arrow = arrowTableTypeHandler();
    const batch = (await arrow.toBatch(polarsToTable(events()), { formats: [], tempDir: dir }))!;
    expect(batch.format).toBe("rows");
    expect(arrow.declaredColumns!(Events)).toEqual([{ name: "id", type: "int64" }, { name: "at", type: "datetime[ms, UTC]" }, { name: "tag", type: "utf8" }]);
    expect(isArrowTable(await arrow.fromBatch(batch, undefined))).toBe(true);
  });

  it("load what the input declares: a frame schema gets Polars with declared dtypes, arrowInput gets Arrow", async () => {
    const polars = polarsTypeHandler();
    const arrow = arrowTableTypeHandler();
    expect(polars.loads(Events)).toBe(true);
    expect(polars.loads(arrowInput(Events))).toBe(false);
    expect(arrow.loads(arrowInput(Events))).toBe(true);
    expect(polars.loads(tableRows())).toBe(false);
    // A warehouse hands timestamps back in microseconds; the input declared milliseconds.
    const micro = events().withColumns(pl.col("at").cast(pl.Datetime("us", "UTC")));
    const batch = (await polars.toBatch(micro, { formats: ["parquet"], tempDir: dir }))!;
    const loaded = await polars.fromBatch(batch, Events);
    expect(isPolarsDataFrame(loaded)).toBe(true);
    expect((await Events.validate(loaded)).passed).toBe(true);
    await batch.dispose?.();
  });
});
