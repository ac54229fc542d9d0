// Two Polars steps that report how many Polars pool threads their process has (Linux: threads named polars-N).
// run-polars-pool.ts materializes them on two worker threads in a fresh process.
import { readdirSync, readFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";
import pl from "nodejs-polars";
import { asset, defineDefinitions } from "@orch/core";

const polarsThreads = () => readdirSync("/proc/self/task").filter((task) => /^polars-\d+$/.test(readFileSync(`/proc/self/task/${task}/comm`, "utf8").trim())).length;

const steps = [1, 2].map((n) =>
  asset({
    key: `polars_${n}`,
    compute: () => {
      const ids = Int32Array.from({ length: 500_000 }, (_, i) => (i * 7919 + n) % 10_007);
      const groups = pl.DataFrame({ id: pl.Series("id", ids) }).groupBy("id").agg(pl.col("id").count().alias("n")).height;
      return { groups, polarsThreads: polarsThreads(), mainThread: isMainThread };
    },
  }),
);

const definitions = defineDefinitions({ assets: steps });
export default definitions;
