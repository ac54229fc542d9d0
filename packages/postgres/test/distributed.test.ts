import { asset, defineDefinitions, enqueueRun } from "@orch/core";
import { describe, expect, inject, it } from "vitest";
import { allEnded, executionCounts, exited, startCluster, until, waitForOutput } from "./cluster.ts";

const url = inject("pgUrl");
// Only the run record's selection matters here: the workers plan and run from the project's own definitions.
const definitions = defineDefinitions({ assets: [asset({ key: "work", compute: () => 1 })] });

describe("runs distributed over orch worker processes (real processes, one PostgreSQL)", () => {
  it("elects one daemon, fails over on SIGKILL, and survives a SIGKILLed worker: no run lost, none executed twice", async () => {
    const cluster = await startCluster(url, "dist_failover", { WORK_MS: "1500" });
    try {
      const daemonA = cluster.spawn(["daemon"]);
      await waitForOutput(daemonA, "orch daemon: started");
      const daemonB = cluster.spawn(["daemon"]);
      await waitForOutput(daemonB, "standing by for leadership");
      const workers = [cluster.spawn(["worker", "--concurrency", "2"]), cluster.spawn(["worker", "--concurrency", "2"])];
      await Promise.all(workers.map((w) => waitForOutput(w, "orch worker: started")));

      const runIds: string[] = [];
      for (let i = 0; i < 12; i++) runIds.push((await enqueueRun(definitions, cluster.storage, { selection: "work" })).runId);

      // SIGKILL the first worker as soon as it executes a run.
      const victim = workers[0]!;
      const killedRun = await until("the first worker to start a run", async () => (await cluster.executions()).find((e) => e.pid === victim.pid)?.runId);
      victim.kill("SIGKILL");
      // Then the leading daemon: the standby takes over.
      const killedAt = Date.now();
      daemonA.kill("SIGKILL");
      await waitForOutput(daemonB, "orch daemon: started", 30_000);
      const failoverMs = Date.now() - killedAt;
      expect(failoverMs).toBeLessThan(20_000);

      const runs = await allEnded(cluster.storage, runIds);
      const executions = await cluster.executions();
      const counts = executionCounts(executions);
      // Nothing ran twice; every run either succeeded or, having died with its worker, was closed as FAILURE.
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      const byId = new Map(runs.map((r) => [r.runId, r]));
      expect(byId.get(killedRun)?.status).toBe("FAILURE");
      const failed = runs.filter((r) => r.status === "FAILURE");
      // The runs that failed are the victim's (at most its concurrency, 2): executed by it or taken before they started.
      expect(failed.length).toBeGreaterThanOrEqual(1);
      expect(failed.length).toBeLessThanOrEqual(2);
      for (const run of failed) expect([undefined, victim.pid]).toContain(executions.find((e) => e.runId === run.runId)?.pid);
      for (const run of failed) expect(run.statusReason).toBe("run worker exited unexpectedly");
      expect(runs.filter((r) => r.status === "SUCCESS").length).toBe(12 - failed.length);
      for (const run of runs.filter((r) => r.status === "SUCCESS")) expect(counts.get(run.runId)).toBe(1);
      const killedEvents = await cluster.storage.getEvents(killedRun, { types: ["RUN_FAILURE"] });
      expect(killedEvents).toHaveLength(1);

      workers[1]!.kill("SIGTERM");
      daemonB.kill("SIGTERM");
      await Promise.all([exited(workers[1]!), exited(daemonB)]);
    } finally {
      await cluster.close();
    }
  }, 180_000);
});
