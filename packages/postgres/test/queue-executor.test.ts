import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { OrchEvent } from "@orch/core";
import { describe, expect, inject, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import { startCluster, until, waitForOutput, type Cluster } from "./cluster.ts";

const url = inject("pgUrl");

/** A diamond; each step logs "<runId>/<step> <pid>" when it starts; SLOW_STEP sleeps a minute; d checks its inputs. */
const DIAMOND = `
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { asset, defineDefinitions } from "@orch/core";

const mark = async (runId: string, step: string, signal: AbortSignal) => {
  appendFileSync(join(process.env.ORCH_TEST_SHARED, "executions.log"), runId + "/" + step + " " + process.pid + "\\n");
  if (process.env.SLOW_STEP === step) await sleep(60_000, undefined, { signal });
};
const a = asset({ key: "a", compute: async ({ runId, signal }) => (await mark(runId, "a", signal), 1) });
const b = asset({ key: "b", ins: { a }, compute: async ({ runId, signal, ins }) => (await mark(runId, "b", signal), (ins.a as number) + 10) });
const c = asset({ key: "c", ins: { a }, compute: async ({ runId, signal, ins }) => (await mark(runId, "c", signal), (ins.a as number) + 100) });
const d = asset({ key: "d", ins: { b, c }, compute: async ({ runId, signal, ins }) => {
  await mark(runId, "d", signal);
  if (ins.b !== 11 || ins.c !== 101) throw new Error("wrong inputs " + JSON.stringify(ins));
  return (ins.b as number) + (ins.c as number);
} });

export default defineDefinitions({ assets: [a, b, c, d] });
`;

/** DIAMOND with a logger plugin (orch.yaml \`loggers: [{ type: file_log }]\`) writing "<pid> <event json>" lines to logger.log. */
const DIAMOND_WITH_LOGGER = DIAMOND.replace('import { asset, defineDefinitions } from "@orch/core";', 'import { asset, defineDefinitions, definePlugin } from "@orch/core";\nimport { z } from "zod";').replace(
  "export default defineDefinitions({ assets: [a, b, c, d] });",
  `const fileLog = definePlugin({
  name: "file-log",
  core: "^0.1.0",
  loggers: {
    file_log: {
      description: "every event as a line of logger.log",
      config: z.object({}).strict(),
      create: () => ({
        name: "file_log",
        handle: (event) => appendFileSync(join(process.env.ORCH_TEST_SHARED, "logger.log"), process.pid + " " + JSON.stringify(event) + "\\n"),
      }),
    },
  },
});

export default defineDefinitions({ assets: [a, b, c, d], plugins: [fileLog] });`,
);

/**
 * Materializes the diamond (step b slow), SIGKILLs the worker that took b, and checks what follows whatever proved
 * the worker dead: the run fails, d is skipped, b ran once. Returns b's failure message and the run's events.
 */
async function killHolderOfB(cluster: Cluster, workers: readonly ChildProcess[]) {
  await Promise.all(workers.map((w) => waitForOutput(w, "orch worker: started")));
  const materialize = cluster.run(["materialize", "--select", "*"]);
  const holder = await until("step b to start", async () => (await cluster.executions()).find((e) => e.runId.endsWith("/b"))?.pid);
  workers.find((w) => w.pid === holder)!.kill("SIGKILL");
  const result = await materialize;
  expect(result.code).not.toBe(0);
  const runId = (await cluster.executions())[0]!.runId.split("/")[0]!;
  const events = await cluster.storage.getEvents(runId);
  const failure = events.find((e) => e.stepKey === "b" && e.type === "STEP_FAILURE");
  expect(events.some((e) => e.stepKey === "d" && e.type === "STEP_SKIPPED")).toBe(true);
  expect((await cluster.executions()).filter((e) => e.runId.endsWith("/b"))).toHaveLength(1);
  expect((await cluster.storage.getRun(runId))?.status).toBe("FAILURE");
  return { holder, events, failure: failure && "error" in failure ? failure.error?.message : "" };
}

const executor = (staleAfterMs: number) => [`executor: { type: queue, config: { url: { env: ORCH_PG_URL }, schema: ${"$SCHEMA"}, staleAfterMs: ${staleAfterMs} } }`];

describe("executor: { type: queue } (steps on orch worker processes)", () => {
  it("spreads one run's steps over workers, outputs through the shared filesystem IO manager, events in one log", async () => {
    const schema = "qexec_ok";
    const cluster = await startCluster(url, schema, {}, { defs: DIAMOND, yaml: executor(30_000).map((l) => l.replace("$SCHEMA", schema)) });
    try {
      const workers = [cluster.spawn(["worker", "--concurrency", "2"]), cluster.spawn(["worker", "--concurrency", "2"])];
      await Promise.all(workers.map((w) => waitForOutput(w, "orch worker: started")));
      const result = await cluster.run(["materialize", "--select", "*"]);
      expect(result.code, result.stderr).toBe(0);
      const runId = result.stdout.trim().split(" ")[0]!;
      expect(result.stdout.trim()).toBe(`${runId} SUCCESS`);
      const executions = await cluster.executions();
      expect(executions.map((e) => e.runId.split("/")[1]).sort()).toEqual(["a", "b", "c", "d"]);
      const workerPids = workers.map((w) => w.pid);
      for (const e of executions) expect(workerPids).toContain(e.pid);
      const events = await cluster.storage.getEvents(runId);
      for (const step of ["a", "b", "c", "d"]) {
        const types = events.filter((e) => e.stepKey === step && e.type.startsWith("STEP_")).map((e) => e.type);
        expect(types[0]).toBe("STEP_START");
        expect(types.at(-1)).toBe("STEP_SUCCESS");
      }
      expect(events.at(-1)?.type).toBe("RUN_SUCCESS");
    } finally {
      await cluster.close();
    }
  }, 120_000);

  it("relays the steps' events from the workers to the loggers of orch.yaml in the run's process, each once", async () => {
    const schema = "qexec_loggers";
    const yaml = [...executor(30_000).map((l) => l.replace("$SCHEMA", schema)), "loggers: [{ type: file_log }]"];
    const cluster = await startCluster(url, schema, {}, { defs: DIAMOND_WITH_LOGGER, yaml });
    try {
      const workers = [cluster.spawn(["worker", "--concurrency", "2"]), cluster.spawn(["worker", "--concurrency", "2"])];
      await Promise.all(workers.map((w) => waitForOutput(w, "orch worker: started")));
      const materialize = cluster.spawn(["materialize", "--select", "*"]);
      let stdout = "";
      materialize.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
      const code = await new Promise((resolve) => materialize.once("close", resolve));
      expect(code, stdout).toBe(0);
      const runId = stdout.trim().split(" ")[0]!;
      const lines = (await readFile(join(cluster.dir, "logger.log"), "utf8")).split("\n").filter(Boolean);
      const seen = lines.map((line) => ({ pid: Number(line.slice(0, line.indexOf(" "))), event: JSON.parse(line.slice(line.indexOf(" ") + 1)) as OrchEvent }));
      // Only the run's process logs; the workers (whose orch.yaml lists the logger too) do not log the steps again.
      expect(new Set(seen.map((s) => s.pid))).toEqual(new Set([materialize.pid]));
      const executions = await cluster.executions();
      for (const step of ["a", "b", "c", "d"]) {
        const types = seen.filter((s) => s.event.stepKey === step).map((s) => s.event.type);
        for (const type of ["STEP_START", "STEP_SUCCESS", "ASSET_MATERIALIZATION"]) expect(types.filter((t) => t === type), `${step} ${type}`).toHaveLength(1);
        // The step's STEP_START names the worker process that ran it.
        const start = seen.find((s) => s.event.stepKey === step && s.event.type === "STEP_START")!.event;
        expect(start.type === "STEP_START" && start.worker?.pid).toBe(executions.find((e) => e.runId === `${runId}/${step}`)!.pid);
      }
      // Every stored event of the run from its start on (RUN_ENQUEUED came before any logger; the default level
      // drops debug lines), exactly once, in the log's order.
      const all = (await cluster.storage.getEvents(runId)).map(({ id: _, ...e }) => e);
      const stored = all.slice(all.findIndex((e) => e.type === "RUN_START")).filter((e) => e.type !== "LOG" || e.level !== "debug");
      expect(seen.map((s) => s.event)).toEqual(stored);
      // The run's record shows the process that ran it, its events where each step ran.
      const shown = await cluster.run(["runs", "show", runId]);
      expect(shown.stdout).toMatch(new RegExp(`worker +\\S+ \\(pid ${materialize.pid}\\)`));
      for (const step of ["a", "b", "c", "d"]) {
        const pid = executions.find((e) => e.runId === `${runId}/${step}`)!.pid;
        expect(shown.stdout).toMatch(new RegExp(`STEP_START +${step} +started on \\S+ \\(pid ${pid}\\)`));
      }
    } finally {
      await cluster.close();
    }
  }, 120_000);

  it("fails the step of a SIGKILLed worker on this host at once (its pid is gone), skips what depends on it, never runs it twice", async () => {
    const schema = "qexec_kill_pid";
    // Heartbeats alone would take ten minutes to give up on the step: only the pid proof ends this test in time.
    const cluster = await startCluster(url, schema, { SLOW_STEP: "b" }, { defs: DIAMOND, yaml: executor(600_000).map((l) => l.replace("$SCHEMA", schema)) });
    try {
      const workers = [cluster.spawn(["worker", "--concurrency", "2"]), cluster.spawn(["worker", "--concurrency", "2"])];
      const { holder, failure } = await killHolderOfB(cluster, workers);
      expect(failure).toMatch(new RegExp(`worker running step "b" \\(pid ${holder} on \\S+\\) exited before the step ended`));
    } finally {
      await cluster.close();
    }
  }, 120_000);

  // Another host name in its own UTS namespace needs root.
  it.skipIf(process.getuid?.() !== 0)("fails the step of a SIGKILLed worker on another host after missed heartbeats, skips what depends on it, never runs it twice", async () => {
    const schema = "qexec_kill";
    const cluster = await startCluster(url, schema, { SLOW_STEP: "b" }, { defs: DIAMOND, yaml: executor(2_000).map((l) => l.replace("$SCHEMA", schema)) });
    try {
      const workers = [0, 1].map((i) => cluster.spawn(["worker", "--concurrency", "2"], { hostname: `orch-test-host-${i}` }));
      const { failure, events } = await killHolderOfB(cluster, workers);
      expect(failure).toMatch(/worker running step "b" stopped beating/);
      // c ran beside b: it succeeded (on either worker, it is quick), or failed the same way if the killed worker
      // had taken it and not finished it.
      const cEnd = events.filter((e) => e.stepKey === "c" && (e.type === "STEP_SUCCESS" || e.type === "STEP_FAILURE"));
      expect(cEnd).toHaveLength(1);
      if (cEnd[0]!.type === "STEP_FAILURE") expect(cEnd[0]!.error?.message).toMatch(/worker running step "c" stopped beating/);
    } finally {
      await cluster.close();
    }
  }, 120_000);
});
