import { describe, expect, inject, it } from "vitest";
import { startCluster, until, waitForOutput } from "./cluster.ts";

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

  it("fails the step of a SIGKILLed worker after missed heartbeats, skips what depends on it, never runs it twice", async () => {
    const schema = "qexec_kill";
    const cluster = await startCluster(url, schema, { SLOW_STEP: "b" }, { defs: DIAMOND, yaml: executor(2_000).map((l) => l.replace("$SCHEMA", schema)) });
    try {
      const workers = [cluster.spawn(["worker", "--concurrency", "2"]), cluster.spawn(["worker", "--concurrency", "2"])];
      await Promise.all(workers.map((w) => waitForOutput(w, "orch worker: started")));
      const materialize = cluster.run(["materialize", "--select", "*"]);
      const holder = await until("step b to start", async () => (await cluster.executions()).find((e) => e.runId.endsWith("/b"))?.pid);
      workers.find((w) => w.pid === holder)!.kill("SIGKILL");
      const result = await materialize;
      expect(result.code).not.toBe(0);
      const runId = (await cluster.executions())[0]!.runId.split("/")[0]!;
      const events = await cluster.storage.getEvents(runId);
      const failure = events.find((e) => e.stepKey === "b" && e.type === "STEP_FAILURE");
      expect(failure && "error" in failure ? failure.error?.message : "").toMatch(/worker running step "b" stopped beating/);
      // c ran beside b: it succeeded (on either worker, it is quick), or failed the same way if the killed worker
      // had taken it and not finished it.
      const cEnd = events.filter((e) => e.stepKey === "c" && (e.type === "STEP_SUCCESS" || e.type === "STEP_FAILURE"));
      expect(cEnd).toHaveLength(1);
      if (cEnd[0]!.type === "STEP_FAILURE") expect(cEnd[0]!.error?.message).toMatch(/worker running step "c" stopped beating/);
      expect(events.some((e) => e.stepKey === "d" && e.type === "STEP_SKIPPED")).toBe(true);
      expect((await cluster.executions()).filter((e) => e.runId.endsWith("/b"))).toHaveLength(1);
      expect((await cluster.storage.getRun(runId))?.status).toBe("FAILURE");
    } finally {
      await cluster.close();
    }
  }, 120_000);
});
