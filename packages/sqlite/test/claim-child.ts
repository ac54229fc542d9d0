// A run coordinator's claim loop in its own process: claims queued runs until none is left, printing each id it won.
import { sqliteStorage } from "../src/index.ts";

import { createInterface } from "node:readline";

const storage = sqliteStorage({ path: process.argv[2]! });
// Start together: report ready, then wait for the parent's "go" so both processes claim at the same moment.
process.stdout.write("ready\n");
for await (const _line of createInterface({ input: process.stdin })) break;
for (;;) {
  const queued = await storage.getQueuedRuns(20);
  if (queued.length === 0) break;
  for (const run of queued) {
    if (await storage.transitionRun(run.runId, ["QUEUED"], { status: "STARTING" })) process.stdout.write(`${run.runId}\n`);
  }
}
await storage.close();
