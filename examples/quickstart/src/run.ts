// Materializes the quickstart in process with the programmatic API and prints what happened.
// (`npm run demo` at the repo root runs the same definitions through the `orch` CLI.)
import { readFile } from "node:fs/promises";
import { materialize, memoryStorage, type StoredEvent } from "@orch/core";
import definitions from "./definitions.ts";

const instance = memoryStorage();
// The week's daily partitions run as one step per day; unpartitioned assets run once.
const result = await materialize(definitions, { instance, selection: process.argv[2] ?? "*", partitionRange: { start: "2024-03-01", end: "2024-03-07" } });
const events = await instance.getEvents(result.runId);

console.log(`run ${result.runId}: ${result.status}\n`);
for (const stepKey of result.run.stepKeys) {
  const mine = events.filter((e) => e.stepKey === stepKey);
  console.log(`  ${describeStep(mine).padEnd(10)} ${stepKey}`);
  for (const e of mine) {
    if (e.type === "STEP_RETRY") console.log(`             retry after ${e.delayMs} ms: ${e.error.message}`);
    if (e.type === "LOG") console.log(`             ${e.level}: ${e.message}`);
    if (e.type === "ASSET_MATERIALIZATION" && Object.keys(e.metadata).length) console.log(`             metadata: ${JSON.stringify(e.metadata)}`);
    if (e.type === "STEP_FAILURE") console.log(`             error: ${e.error.message}`);
    if (e.type === "STEP_SKIPPED") console.log(`             skipped: ${e.reason}`);
    if (e.type === "ASSET_CHECK_EVALUATION") console.log(`             check ${e.checkName}: ${e.passed ? "passed" : "FAILED"} ${JSON.stringify(e.metadata)}`);
  }
}
const report = events.find((e) => e.type === "ASSET_MATERIALIZATION" && e.assetKey.join("/") === "reports/weekly_report");
if (report?.type === "ASSET_MATERIALIZATION") {
  const path = (report.metadata["path"] as { value: string }).value;
  console.log(`\n${await readFile(path, "utf8")}`);
}
process.exitCode = result.success ? 0 : 1;

function describeStep(mine: readonly StoredEvent[]): string {
  const end = mine.find((e) => e.type === "STEP_SUCCESS" || e.type === "STEP_FAILURE" || e.type === "STEP_SKIPPED");
  if (!end) return "not run";
  if (end.type === "STEP_SUCCESS") return `${end.durationMs.toFixed(1)} ms`;
  return end.type === "STEP_FAILURE" ? "FAILED" : "skipped";
}
