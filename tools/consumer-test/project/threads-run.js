// Plain `node threads-run.js`: the published @orch/threads runs the steps of order-summary.ts on worker threads,
// each of which loads the definitions module (a .ts file) and the dist/ build of @orch/core.
import { fileURLToPath } from "node:url";
import { materialize, memoryStorage } from "@orch/core";
import { threadsExecutor } from "@orch/threads";
import definitions from "./defs.ts";

const instance = memoryStorage();
const result = await materialize(definitions, {
  instance,
  executor: threadsExecutor({ maxThreads: 2 }),
  definitionsModule: fileURLToPath(new URL("./defs.ts", import.meta.url)),
});
const [materialization] = await instance.getAssetEvents("order_summary", ["ASSET_MATERIALIZATION"]);
console.log(JSON.stringify({ status: result.status, metadata: materialization?.type === "ASSET_MATERIALIZATION" ? materialization.metadata : null }));
