import type { ChildProcess } from "node:child_process";
import { asset, CRASHED_RUN_REASON, defineDefinitions, enqueueRun, FINISHED_STATUSES } from "@orch/core";
import { describe, expect, inject, it } from "vitest";
import { allEnded, executionCounts, exited, startCluster, until, waitForOutput, type Cluster } from "./cluster.ts";

const url = inject("pgUrl");
// Only the run record's selection matters here: the workers plan and run from the project's own definitions.
const definitions = defineDefinitions({ assets: [asset({ key: "work", compute: () => 1 })] });

/**
 * Starts a daemon and two workers (2 slots each), enqueues `runs` runs of `work`, and SIGKILLs the first worker
 * once it has started two of them.
 */
async function killAWorkerMidway(cluster: Cluster, runs: number): Promise<{ daemon: ChildProcess; workers: ChildProcess[]; runIds: string[] }> {
  const daemon = cluster.spawn(["daemon"]);
  await waitForOutput(daemon, "orch daemon: started");
  const workers = [cluster.spawn(["worker", "--concurrency", "2"]), cluster.spawn(["worker", "--concurrency", "2"])];
  await Promise.all(workers.map((w) => waitForOutput(w, "orch worker: started")));
  const runIds: string[] = [];
  for (let i = 0; i < runs; i++) runIds.push((await enqueueRun(definitions, cluster.storage, { selection: "work" })).runId);
  const victim = workers[0]!;
  await until("the first worker to start two runs", async () => ((await cluster.executions()).filter((e) => e.pid === victim.pid).length >= 2 ? true : undefined));
  victim.kill("SIGKILL");
  return { daemon, workers, runIds };
}

describe("a SIGKILLed worker (real processes, one PostgreSQL)", () => {
  it("closes as crashed only the runs it was executing; queued runs and other workers' runs succeed, none twice", async () => {
    // 8 released at once for 4 slots: runs wait in the job queue longer than staleAfterMs while every slot is busy.
    const cluster = await startCluster(url, "dist_killed_worker", { WORK_MS: "1500" }, { maxConcurrent: 8, staleAfterMs: 2_000 });
    try {
      const { daemon, workers, runIds } = await killAWorkerMidway(cluster, 20);
      const victim = workers[0]!;

      const runs = await allEnded(cluster.storage, runIds, 150_000);
      const executions = await cluster.executions();
      const counts = executionCounts(executions);
      const failed = runs.filter((r) => r.status === "FAILURE");
      const report = failed.map((r) => `${r.runId} executed by ${executions.filter((e) => e.runId === r.runId).map((e) => e.pid).join(",") || "nobody"}`);
      // At most the victim's concurrency, and only runs it executed (or took before they started).
      expect(failed.length, report.join("\n")).toBeLessThanOrEqual(2);
      for (const run of failed) {
        expect([undefined, victim.pid]).toContain(executions.find((e) => e.runId === run.runId)?.pid);
        expect(run.statusReason).toBe(CRASHED_RUN_REASON);
      }
      // Each run records the worker process that took it, so crash detection on its host asks the OS.
      for (const run of runs) {
        const executedBy = executions.find((e) => e.runId === run.runId)?.pid;
        if (executedBy !== undefined) expect(run.worker?.pid).toBe(executedBy);
      }
      for (const run of failed) expect(run.worker?.pid).toBe(victim.pid);
      expect(runs.filter((r) => r.status === "SUCCESS")).toHaveLength(20 - failed.length);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      for (const run of failed) expect(await cluster.storage.getEvents(run.runId, { types: ["RUN_FAILURE"] })).toHaveLength(1);

      workers[1]!.kill("SIGTERM");
      daemon.kill("SIGTERM");
      await Promise.all([exited(workers[1]!), exited(daemon)]);
    } finally {
      await cluster.close();
    }
  }, 240_000);

  it("with a retry policy, retries each run the killed worker held, once, on the surviving worker, across a leader change: every run succeeds", async () => {
    const cluster = await startCluster(url, "dist_killed_retry", { WORK_MS: "1500" }, { maxConcurrent: 4, staleAfterMs: 2_000, retries: "{ maxRetries: 2 }" });
    try {
      const { daemon, workers, runIds } = await killAWorkerMidway(cluster, 8);
      const survivor = workers[1]!;
      const standby = cluster.spawn(["daemon"]);
      await waitForOutput(standby, "orch daemon: standing by");
      // Once the leader has queued a first retry, it dies too: the standby leads, its retries loop goes on from the
      // cursor the leader kept in the instance's state, and no failed run is retried twice.
      await until("a first retry", async () => ((await cluster.storage.listRuns({ limit: 1_000 })).some((r) => r.parentRunId !== undefined) ? true : undefined), 60_000);
      daemon.kill("SIGKILL");
      await waitForOutput(standby, "orch daemon: started", 60_000);

      const runs = await allEnded(cluster.storage, runIds, 150_000);
      const failed = runs.filter((r) => r.status === "FAILURE");
      expect(failed.length).toBeGreaterThanOrEqual(1);
      for (const run of failed) expect(run.statusReason).toBe(CRASHED_RUN_REASON);
      // Each crashed run has exactly one retry, which ran on the surviving worker and succeeded.
      const retries = await until("every crashed run's retry to end", async () => {
        const all = (await cluster.storage.listRuns({ limit: 1_000 })).filter((r) => r.parentRunId !== undefined);
        return all.length >= failed.length && all.every((r) => FINISHED_STATUSES.has(r.status)) ? all : undefined;
      }, 150_000);
      expect(retries.map((r) => r.parentRunId).sort()).toEqual(failed.map((r) => r.runId).sort());
      const executions = await cluster.executions();
      for (const retry of retries) {
        expect(retry).toMatchObject({ status: "SUCCESS", stepKeys: ["work"], tags: { "orch/retry_number": "1" } });
        expect(retry.rootRunId).toBe(retry.parentRunId);
        expect(executions.filter((e) => e.runId === retry.runId).map((e) => e.pid)).toEqual([survivor.pid]);
      }
      // No run id executed twice, and every run either succeeded or was retried to success.
      expect([...executionCounts(executions).values()].every((n) => n === 1)).toBe(true);
      expect(runs.filter((r) => r.status === "SUCCESS")).toHaveLength(runIds.length - failed.length);

      survivor.kill("SIGTERM");
      standby.kill("SIGTERM");
      await Promise.all([exited(survivor), exited(standby), exited(daemon)]);
    } finally {
      await cluster.close();
    }
  }, 240_000);
});
