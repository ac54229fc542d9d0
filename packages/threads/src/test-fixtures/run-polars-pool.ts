// Materializes polars-pool-definitions.ts on two worker threads, each given POLARS_MAX_THREADS=3 through `env`,
// and prints what each step saw (run in its own process: Polars sizes its pool once per process).
import { threadsExecutor } from "../threads-executor.ts";
import { fixture, runModule } from "../test-helpers.ts";

const executor = threadsExecutor({ maxThreads: 2, env: { POLARS_MAX_THREADS: "3" } });
const { result, value } = await runModule(fixture("polars-pool-definitions.ts"), { executor });
console.log(JSON.stringify({ status: result.status, seen: [await value("polars_1"), await value("polars_2")] }));
