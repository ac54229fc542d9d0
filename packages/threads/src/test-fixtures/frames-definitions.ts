// Frames made in one worker, read in another and on the main thread through the in-memory `io` manager.
import { isMainThread } from "node:worker_threads";
import pl from "nodejs-polars";
import { tableFromArrays } from "apache-arrow";
import { asset, defineDefinitions } from "@orch/core";

export const polarsFrame = asset({
  key: "polars_frame",
  compute: () => pl.DataFrame({ id: pl.Series("id", Int32Array.from({ length: 1000 }, (_, i) => i)), name: Array.from({ length: 1000 }, (_, i) => `n${i}`) }),
});

export const arrowTable = asset({ key: "arrow_table", compute: () => tableFromArrays({ x: Float64Array.from({ length: 500 }, (_, i) => i / 2) }) });

export const combined = asset({
  key: "combined",
  ins: { polarsFrame, arrowTable },
  compute: ({ ins }) => {
    const df = ins.polarsFrame as pl.DataFrame;
    const table = ins.arrowTable as { numRows: number; getChild(name: string): { get(i: number): number } | null };
    return { rows: df.height, idSum: Number(df.getColumn("id").sum()), tableRows: table.numRows, x3: table.getChild("x")!.get(3), mainThread: isMainThread };
  },
});

export const onMainReadsFrame = asset({
  key: "on_main_reads_frame",
  executionHint: "main",
  ins: { polarsFrame },
  compute: ({ ins }) => ({ height: (ins.polarsFrame as pl.DataFrame).height, mainThread: isMainThread }),
});

export default defineDefinitions({ assets: [polarsFrame, arrowTable, combined, onMainReadsFrame] });
