import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { OrchEvent } from "../events.ts";
import { currentProcess, localProcess, type ProcessIdentity } from "../process-identity.ts";
import { memoryStorage } from "../storage/memory-storage.ts";
import { CRASHED_RUN_REASON, detectCrashedRuns } from "./crash-detection.ts";

const T0 = 1_700_000_000_000;

async function liveRun(instance: ReturnType<typeof memoryStorage>, runId: string, heartbeatAt: number, events: OrchEvent[], worker?: ProcessIdentity) {
  await instance.createRun({ runId, status: "STARTED", assetKeys: ["a", "b", "c"], stepKeys: ["a", "b", "c"], tags: {}, runConfig: {}, createdAt: T0, startedAt: T0, ...(worker ? { worker } : {}) });
  await instance.setHeartbeat(runId, heartbeatAt);
  await instance.appendEvents(events);
}

describe("detectCrashedRuns", () => {
  it("fails in-flight steps and the run when the heartbeat is stale", async () => {
    const instance = memoryStorage();
    await liveRun(instance, "dead", T0 + 1_000, [
      { runId: "dead", timestamp: T0, type: "RUN_START", stepKeys: ["a", "b", "c"] },
      { runId: "dead", timestamp: T0 + 10, stepKey: "a", type: "STEP_START", attempt: 1 },
      { runId: "dead", timestamp: T0 + 20, stepKey: "a", type: "STEP_SUCCESS", durationMs: 10 },
      { runId: "dead", timestamp: T0 + 30, stepKey: "b", type: "STEP_START", attempt: 1 },
      { runId: "dead", timestamp: T0 + 40, stepKey: "b", type: "STEP_RETRY", attempt: 1, delayMs: 5, error: { name: "Error", message: "x" } },
      { runId: "dead", timestamp: T0 + 50, stepKey: "b", type: "STEP_START", attempt: 2 },
    ]);
    await liveRun(instance, "alive", T0 + 59_000, []);

    const crashed = await detectCrashedRuns(instance, { staleAfterMs: 30_000, now: T0 + 60_000 });
    expect(crashed.map((r) => r.runId)).toEqual(["dead"]);

    const run = await instance.getRun("dead");
    // It ended at its last sign of life (the heartbeat), not when someone noticed.
    expect(run).toMatchObject({ status: "FAILURE", statusReason: CRASHED_RUN_REASON, endedAt: T0 + 1_000 });
    const tail = (await instance.getEvents("dead")).slice(-2);
    expect(tail).toMatchObject([
      { type: "STEP_FAILURE", stepKey: "b", attempt: 2, timestamp: T0 + 1_000, durationMs: 1_000 - 30, error: { message: `[orch] ${CRASHED_RUN_REASON}`, code: "RUN_WORKER_CRASHED" } },
      { type: "RUN_FAILURE", reason: CRASHED_RUN_REASON, failedSteps: ["b"], durationMs: 1_000 },
    ]);
    expect((await instance.getRun("alive"))?.status).toBe("STARTED");
  });

  it("fails the partitions a dead step set out to materialize, less the assets it stored, so the catalog counts them failed", async () => {
    const instance = memoryStorage();
    const days = ["2025-01-01", "2025-01-02"];
    await liveRun(instance, "dead", T0 + 1_000, [
      { runId: "dead", timestamp: T0, type: "RUN_START", stepKeys: ["a", "m"] },
      { runId: "dead", timestamp: T0 + 10, stepKey: "a", type: "STEP_START", attempt: 1, partitions: { assetKeys: ["a"], partitions: days } },
      { runId: "dead", timestamp: T0 + 20, stepKey: "m", type: "STEP_START", attempt: 1, partitions: { assetKeys: ["m/one", "m/two"], partitions: days } },
      { runId: "dead", timestamp: T0 + 30, stepKey: "m", type: "ASSET_MATERIALIZATION", assetKey: ["m", "one"], partition: days[0]!, metadata: {} },
      { runId: "dead", timestamp: T0 + 40, stepKey: "m", type: "ASSET_MATERIALIZATION", assetKey: ["m", "one"], partition: days[1]!, metadata: {} },
    ]);
    await detectCrashedRuns(instance, { staleAfterMs: 30_000, now: T0 + 60_000 });
    const failures = await instance.getEvents("dead", { types: ["STEP_FAILURE"] });
    expect(failures).toMatchObject([
      { stepKey: "a", failedPartitions: { assetKeys: ["a"], partitions: days } },
      { stepKey: "m", failedPartitions: { assetKeys: ["m/two"], partitions: days } },
    ]);
    expect((await instance.getFailedPartitions()).map((f) => `${f.assetKey} ${f.partition}`)).toEqual(["a 2025-01-01", "a 2025-01-02", "m/two 2025-01-01", "m/two 2025-01-02"]);
  });

  it("leaves finished runs alone and is idempotent", async () => {
    const instance = memoryStorage();
    await liveRun(instance, "dead", T0, []);
    expect(await detectCrashedRuns(instance, { staleAfterMs: 10, now: T0 + 100 })).toHaveLength(1);
    expect(await detectCrashedRuns(instance, { staleAfterMs: 10, now: T0 + 200 })).toHaveLength(0);
    expect((await instance.getEvents("dead")).map((e) => e.type)).toEqual(["RUN_FAILURE"]);
  });

  it("leaves no crash events in the log of a run that moved on while it was judged", async () => {
    const instance = memoryStorage();
    await instance.createRun({ runId: "released", status: "STARTING", assetKeys: ["a"], stepKeys: ["a"], tags: {}, runConfig: {}, createdAt: T0 });
    await instance.setHeartbeat("released", T0);
    // A worker takes the run (STARTING -> STARTED) right after detection read its step events, before it closed it.
    const racing = {
      ...instance,
      async getEvents(...args: Parameters<typeof instance.getEvents>) {
        const events = await instance.getEvents(...args);
        await instance.transitionRun("released", ["STARTING"], { status: "STARTED" });
        return events;
      },
    };
    expect(await detectCrashedRuns(racing, { staleAfterMs: 10, now: T0 + 100 })).toEqual([]);
    expect((await instance.getRun("released"))?.status).toBe("STARTED");
    expect(await instance.getEvents("released")).toEqual([]);
  });

  it("on this host, trusts the OS: a live process is never dead, a killed one is dead at once", async () => {
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    await new Promise((resolve) => child.once("spawn", resolve));
    const instance = memoryStorage();
    const worker = localProcess(child.pid!);
    // Its heartbeat is a minute late (a step blocking the event loop), but the process is there.
    await liveRun(instance, "blocked", T0, [{ runId: "blocked", timestamp: T0 + 5, stepKey: "a", type: "STEP_START", attempt: 1 }], worker);
    expect(await detectCrashedRuns(instance, { staleAfterMs: 30_000, now: T0 + 60_000 })).toEqual([]);

    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    // Dead a moment ago, heartbeat fresh: no need to wait for the stale window.
    const crashed = await detectCrashedRuns(instance, { staleAfterMs: 30_000, now: T0 + 10 });
    expect(crashed).toMatchObject([{ runId: "blocked", status: "FAILURE", endedAt: T0 + 5, evidence: `its process ${child.pid} on this host is gone` }]);
  });

  it("takes a reused pid (another start time) for dead, and judges other hosts by their heartbeat", async () => {
    const instance = memoryStorage();
    const self = currentProcess();
    await liveRun(instance, "reused", T0, [], { ...self, startTime: "1" });
    await liveRun(instance, "remote-fresh", T0 + 59_000, [], { host: `${self.host}-other`, pid: self.pid });
    await liveRun(instance, "remote-stale", T0, [], { host: `${self.host}-other`, pid: self.pid });
    await liveRun(instance, "mine", T0, [], self);
    const crashed = await detectCrashedRuns(instance, { staleAfterMs: 30_000, now: T0 + 60_000 });
    expect(crashed.map((r) => r.runId).sort()).toEqual(["remote-stale", "reused"]);
    expect(crashed.find((r) => r.runId === "remote-stale")?.evidence).toBe("no heartbeat for 60000 ms");
  });
});
