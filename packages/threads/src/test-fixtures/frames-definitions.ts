// Frames made in one worker, read in another and on the main thread through the in-memory `io` manager. The
// frames carry what a hand-off must not lose: nulls, strings, dictionaries/categoricals, dates, several batches.
import { isMainThread } from "node:worker_threads";
import pl from "nodejs-polars";
import { Dictionary, Field, Int32, List, makeVector, Table, Utf8, vectorFromArray } from "apache-arrow";
import { asset, defineDefinitions } from "@orch/core";

const STATUSES = ["placed", "shipped", "returned"];

/** 1,000 rows in two chunks (vstack keeps both). */
export function makePolarsFrame(): pl.DataFrame {
  const part = (from: number) =>
    pl.DataFrame({
      id: pl.Series("id", Int32Array.from({ length: 500 }, (_, i) => from + i)),
      name: pl.Series("name", Array.from({ length: 500 }, (_, i) => ((from + i) % 7 === 0 ? null : `n${from + i}`)), pl.Utf8),
      status: pl.Series("status", Array.from({ length: 500 }, (_, i) => STATUSES[(from + i) % 3]!), pl.Categorical),
      paid: pl.Series("paid", Array.from({ length: 500 }, (_, i) => (from + i) % 2 === 0), pl.Bool),
      at: pl.Series("at", Array.from({ length: 500 }, (_, i) => new Date(Date.UTC(2024, 0, 1) + (from + i) * 60_000)), pl.Datetime("ms")),
    });
  return part(0).vstack(part(500));
}

/** 500 rows in three record batches; the dictionary column's batches each carry their own dictionary. */
export function makeArrowTable(): Table {
  const batch = (from: number, n: number) =>
    new Table({
      x: makeVector(Float64Array.from({ length: n }, (_, i) => (from + i) / 2)),
      n: vectorFromArray(Array.from({ length: n }, (_, i) => ((from + i) % 5 === 0 ? null : from + i)), new Int32()),
      s: vectorFromArray(Array.from({ length: n }, (_, i) => ((from + i) % 9 === 0 ? null : `row ${from + i}`)), new Utf8()),
      status: vectorFromArray(Array.from({ length: n }, (_, i) => STATUSES[(from + i) % 3]!), new Dictionary(new Utf8(), new Int32())),
      tags: vectorFromArray(
        Array.from({ length: n }, (_, i) => Array.from({ length: (from + i) % 3 }, (_, k) => `t${k}`)),
        new List(new Field("item", new Utf8(), true)),
      ),
    });
  return batch(0, 200).concat(batch(200, 200), batch(400, 100));
}

export const polarsSummary = (df: pl.DataFrame) => ({ dtypes: df.dtypes.map(String), columns: df.columns, records: df.toRecords() });

export const arrowSummary = (table: Table) => ({
  types: table.schema.fields.map((f) => `${f.name}: ${String(f.type)}${f.nullable ? "?" : ""}`),
  batches: table.batches.map((b) => b.numRows),
  nulls: table.schema.fields.map((f) => table.getChild(f.name)!.nullCount),
  // Through JSON so nested values (list cells are Vectors over the table's memory) are copied out.
  rows: table.toArray().map((row) => JSON.parse(JSON.stringify(row)) as unknown),
});

export const polarsFrame = asset({ key: "polars_frame", compute: () => makePolarsFrame() });

export const arrowTable = asset({ key: "arrow_table", compute: () => makeArrowTable() });

export const combined = asset({
  key: "combined",
  ins: { polarsFrame, arrowTable },
  compute: ({ ins }) => ({ polars: polarsSummary(ins.polarsFrame as pl.DataFrame), arrow: arrowSummary(ins.arrowTable as Table), mainThread: isMainThread }),
});

export const onMainReadsFrame = asset({
  key: "on_main_reads_frame",
  executionHint: "main",
  ins: { polarsFrame },
  compute: ({ ins }) => ({ height: (ins.polarsFrame as pl.DataFrame).height, mainThread: isMainThread }),
});

export default defineDefinitions({ assets: [polarsFrame, arrowTable, combined, onMainReadsFrame] });
