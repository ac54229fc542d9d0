// orch Pipes: what a step that runs an external process costs over spawning it bare, and how many messages per
// second the FIFO and file channels carry into the event log. Baselines (an in-process step, a bare spawn of the
// same child) are measured in the same run.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asset, defineDefinitions, materialize, memoryStorage, pipesSubprocess, type PipesChannelKind } from "@orch/core";

const dir = mkdtempSync(join(tmpdir(), "orch-bench-pipes-"));
const child = join(dir, "child.mjs");
// Reports one materialization, or `n` log lines first; speaks the raw protocol so no client is measured.
writeFileSync(
  child,
  `import { openSync, writeSync } from "node:fs";
const n = Number(process.argv[2] ?? 0);
if (process.env.ORCH_PIPES_MESSAGES) {
  const fd = openSync(process.env.ORCH_PIPES_MESSAGES, "a");
  const send = (method, params) => writeSync(fd, JSON.stringify({ protocol: "orch-pipes/1", method, params }) + "\\n");
  for (let i = 0; i < n; i++) send("log", { level: "info", message: "row batch " + i });
  send("reportMaterialization", { metadata: { rows: n }, dataVersion: "v" + n });
  send("closed", {});
}
`,
);

const RUNS = 20;
const MESSAGES = 20_000;

async function stepMs(compute: Parameters<typeof asset>[0]["compute"], runs: number): Promise<number> {
  const a = asset({ key: "a", compute });
  const defs = defineDefinitions({ assets: [a] });
  await materialize(defs, { instance: memoryStorage() });
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) {
    const result = await materialize(defs, { instance: memoryStorage() });
    if (result.status !== "SUCCESS") throw new Error(`run failed: ${result.status}`);
  }
  return (performance.now() - t0) / runs;
}

const bareSpawn = () =>
  new Promise<void>((resolve, reject) => {
    const p = spawn(process.execPath, [child, "0"], { stdio: "ignore" });
    p.on("error", reject);
    p.on("close", () => resolve());
  });

async function throughput(channel: PipesChannelKind): Promise<number> {
  const a = asset({ key: "a", compute: async (context) => (await pipesSubprocess(context, { command: process.execPath, args: [child, String(MESSAGES)], channel })).output() });
  const instance = memoryStorage();
  const t0 = performance.now();
  const result = await materialize(defineDefinitions({ assets: [a] }), { instance });
  const ms = performance.now() - t0;
  const logs = (await instance.getEvents(result.runId)).filter((e) => e.type === "LOG").length;
  if (logs < MESSAGES) throw new Error(`${channel}: only ${logs} of ${MESSAGES} log lines arrived`);
  return MESSAGES / (ms / 1000);
}

try {
  const inProcess = await stepMs(() => 1, RUNS);
  console.log(`in-process step: ${inProcess.toFixed(2)} ms`);
  const t0 = performance.now();
  for (let i = 0; i < RUNS; i++) await bareSpawn();
  const bare = (performance.now() - t0) / RUNS;
  console.log(`bare spawn of the child: ${bare.toFixed(1)} ms`);
  const pipesStep = (channel: PipesChannelKind) => stepMs(async (context) => (await pipesSubprocess(context, { command: process.execPath, args: [child, "0"], channel })).output(), RUNS);
  const pipes = await pipesStep("fifo");
  console.log(`pipesSubprocess step (fifo): ${pipes.toFixed(1)} ms → ${(pipes - bare - inProcess).toFixed(1)} ms over a bare spawn + an in-process step`);
  const pipesFile = await pipesStep("file");
  console.log(`pipesSubprocess step (file): ${pipesFile.toFixed(1)} ms → ${(pipesFile - bare - inProcess).toFixed(1)} ms over a bare spawn + an in-process step`);
  const fifo = await throughput("fifo");
  console.log(`fifo channel: ${Math.round(fifo)} messages/s into the event log`);
  const file = await throughput("file");
  console.log(`file channel: ${Math.round(file)} messages/s into the event log`);
  console.log(
    JSON.stringify({
      bench: "pipes",
      in_process_step_ms: Math.round(inProcess * 100) / 100,
      bare_spawn_ms: Math.round(bare * 10) / 10,
      pipes_file_step_ms: Math.round(pipesFile * 10) / 10,
      pipes_file_overhead_ms: Math.round((pipesFile - bare - inProcess) * 10) / 10,
      pipes_fifo_step_ms: Math.round(pipes * 10) / 10,
      pipes_fifo_overhead_ms: Math.round((pipes - bare - inProcess) * 10) / 10,
      fifo_msgs_per_s: Math.round(fifo),
      file_msgs_per_s: Math.round(file),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
