import { describe, expect, it } from "vitest";
import type { OrchEvent } from "../events.ts";
import { memoryStorage } from "../storage/memory-storage.ts";
import { CRASHED_RUN_REASON, detectCrashedRuns } from "./crash-detection.ts";

const T0 = 1_700_000_000_000;

async function liveRun(instance: ReturnType<typeof memoryStorage>, runId: string, heartbeatAt: number, events: OrchEvent[]) {
  await instance.createRun({ runId, status: "STARTED", assetKeys: ["a", "b", "c"], stepKeys: ["a", "b", "c"], tags: {}, runConfig: {}, createdAt: T0, startedAt: T0 });
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
    expect(run).toMatchObject({ status: "FAILURE", statusReason: CRASHED_RUN_REASON, endedAt: T0 + 60_000 });
    const tail = (await instance.getEvents("dead")).slice(-2);
    expect(tail).toMatchObject([
      { type: "STEP_FAILURE", stepKey: "b", attempt: 2, durationMs: 60_000 - 30, error: { message: `[orch] ${CRASHED_RUN_REASON}`, code: "RUN_WORKER_CRASHED" } },
      { type: "RUN_FAILURE", reason: CRASHED_RUN_REASON, failedSteps: ["b"], durationMs: 60_000 },
    ]);
    expect((await instance.getRun("alive"))?.status).toBe("STARTED");
  });

  it("leaves finished runs alone and is idempotent", async () => {
    const instance = memoryStorage();
    await liveRun(instance, "dead", T0, []);
    expect(await detectCrashedRuns(instance, { staleAfterMs: 10, now: T0 + 100 })).toHaveLength(1);
    expect(await detectCrashedRuns(instance, { staleAfterMs: 10, now: T0 + 200 })).toHaveLength(0);
    expect((await instance.getEvents("dead")).map((e) => e.type)).toEqual(["RUN_FAILURE"]);
  });
});
