// docs/concepts/pipes.md — a runnable example (run by packages/pipes/src/docs-example.test.ts).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { asset, defineDefinitions, materialize, memoryStorage, pipesSubprocess } from "@orch/core";

const here = dirname(fileURLToPath(import.meta.url));
// The stdlib-only Python client ships in @orch/pipes; any directory holding orch_pipes.py on PYTHONPATH works.
const pythonClientDir = dirname(fileURLToPath(import.meta.resolve("@orch/pipes/python/orch_pipes.py")));

export const dailySummary = asset({
  key: ["reports", "daily_summary"],
  kinds: ["python"],
  compute: async (context) => {
    const result = await pipesSubprocess(context, {
      command: "python3",
      args: [join(here, "pipes_summary.py")],
      env: { PYTHONPATH: pythonClientDir },
      extras: { threshold: 100 },
    });
    // One materialization: the script's metadata and data version, plus its check result.
    return result.output(null, { metadata: { script: "pipes_summary.py" } });
  },
});

export async function main() {
  const instance = memoryStorage();
  const result = await materialize(defineDefinitions({ assets: [dailySummary] }), { instance });
  const events = await instance.getEvents(result.runId);
  return {
    status: result.status,
    materializations: events.filter((e) => e.type === "ASSET_MATERIALIZATION"),
    checks: events.filter((e) => e.type === "ASSET_CHECK_EVALUATION"),
    logs: events.flatMap((e) => (e.type === "LOG" ? [e.message] : [])),
  };
}
