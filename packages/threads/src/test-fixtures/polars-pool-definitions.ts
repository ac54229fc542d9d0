// Two Polars steps that report how many Polars pool threads their process has (Linux: threads named polars-N).
// Run as a script, it materializes them on two worker threads and prints what each step saw.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isMainThread } from "node:worker_threads";
import pl from "nodejs-polars";
import { asset, defineDefinitions, materialize, memoryIOManager, makeStepLogger } from "@orch/core";

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

if (isMainThread && process.argv[1] === fileURLToPath(import.meta.url)) {
  const { threadsExecutor } = await import("../threads-executor.ts");
  const io = memoryIOManager();
  const executor = threadsExecutor({ maxThreads: 2, env: { POLARS_MAX_THREADS: "3" } });
  const result = await materialize(definitions, { executor, defaultIOManager: io, definitionsModule: fileURLToPath(import.meta.url) });
  const seen = await Promise.all(
    ["polars_1", "polars_2"].map((key) =>
      io.loadInput({
        runId: result.runId,
        stepKey: "report",
        inputName: key,
        assetKey: [key],
        upstreamOutput: { runId: result.runId, stepKey: key, outputName: "result", assetKey: [key], definitionMetadata: {} },
        log: makeStepLogger(() => {}),
      }),
    ),
  );
  console.log(JSON.stringify({ status: result.status, seen }));
}
