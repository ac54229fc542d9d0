import { asset, defineDefinitions, enqueueRun } from "@orch/core";
import { describe, expect, it } from "vitest";
import { startTestPostgres } from "../src/testing/server.ts";
import { allEnded, executionCounts, exited, startCluster, until, waitForOutput } from "./cluster.ts";
import { canUseNetns, createHosts, deleteHosts } from "./netns.ts";

const definitions = defineDefinitions({ assets: [asset({ key: "work", compute: () => 1 })] });
const skipReason = canUseNetns();

describe("three worker hosts in three network namespaces, one PostgreSQL", () => {
  it.skipIf(skipReason !== undefined)(
    `runs work across them and survives a SIGKILLed worker${skipReason ? ` (skipped: ${skipReason})` : ""}`,
    async () => {
      const hosts = createHosts(3);
      const server = await startTestPostgres({ listen: ["127.0.0.1", ...hosts.map((h) => h.hostAddress)], trustCidrs: ["10.213.0.0/24"] });
      const cluster = await startCluster(server.url, "multihost", { WORK_MS: "800" });
      try {
        const daemon = cluster.spawn(["daemon"]);
        await waitForOutput(daemon, "orch daemon: started");
        // Each worker reaches PostgreSQL over its own veth pair, at the host side's address.
        const workers = hosts.map((host) =>
          cluster.spawn(["worker", "--concurrency", "2"], { netns: host.name, url: `postgres://postgres@${host.hostAddress}:${server.port}/postgres` }),
        );
        await Promise.all(workers.map((w) => waitForOutput(w, "orch worker: started")));

        const runIds: string[] = [];
        for (let i = 0; i < 18; i++) runIds.push((await enqueueRun(definitions, cluster.storage, { selection: "work" })).runId);
        const victim = workers[1]!;
        await until("the second host's worker to start a run", async () => (await cluster.executions()).some((e) => e.pid === victim.pid) || undefined);
        victim.kill("SIGKILL");

        const runs = await allEnded(cluster.storage, runIds);
        const executions = await cluster.executions();
        const counts = executionCounts(executions);
        expect([...counts.values()].every((n) => n === 1)).toBe(true);
        // Work ran on every host, and only the killed host's runs failed.
        for (const worker of workers) expect(executions.some((e) => e.pid === worker.pid)).toBe(true);
        const failed = runs.filter((r) => r.status === "FAILURE");
        expect(failed.length).toBeGreaterThanOrEqual(1);
        expect(failed.length).toBeLessThanOrEqual(2);
        for (const run of failed) expect([undefined, victim.pid]).toContain(executions.find((e) => e.runId === run.runId)?.pid);
        expect(runs.filter((r) => r.status === "SUCCESS")).toHaveLength(18 - failed.length);

        for (const w of [daemon, workers[0]!, workers[2]!]) w.kill("SIGTERM");
        await Promise.all([daemon, workers[0]!, workers[2]!].map(exited));
      } finally {
        await cluster.close();
        await server.stop();
        deleteHosts(hosts);
      }
    },
    180_000,
  );
});
