import { describe, expect, it } from "vitest";
import type { RunRecord } from "../run-record.ts";
import { memoryStorage } from "../storage/index.ts";
import { RunCoordinator } from "./coordinator.ts";
import { FOREGROUND_TAG, waitForQueueSlot } from "./foreground-slot.ts";
import type { RunLauncher } from "./launcher.ts";

const run = (runId: string, status: RunRecord["status"] = "QUEUED"): RunRecord => ({ runId, status, assetKeys: [], stepKeys: [], tags: {}, runConfig: {}, createdAt: 1 });

describe("waitForQueueSlot", () => {
  it("waits while the limits are full, saying why, then claims the run itself; the daemon never launches it", async () => {
    const instance = memoryStorage();
    await instance.createRun(run("busy", "STARTED"));
    const reasons: string[] = [];
    const waiting = waitForQueueSlot(instance, run("mine"), { maxConcurrentRuns: 1 }, new AbortController().signal, (r) => reasons.push(r), 5);
    while (reasons.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(reasons).toEqual(["maxConcurrentRuns: 1 of 1 runs in progress"]);
    expect((await instance.getRun("mine"))?.tags[FOREGROUND_TAG]).toMatch(/^\d+@/);
    const launched: string[] = [];
    const launcher: RunLauncher = { name: "test", launch: async (r) => void launched.push(r.runId), cancel: () => false, running: () => [] };
    await instance.updateRun("busy", { status: "SUCCESS" });
    await new RunCoordinator(instance, launcher).dequeue();
    expect(await waiting).toBe("mine");
    expect(launched).toEqual([]);
    expect((await instance.getRun("mine"))?.status).toBe("STARTED");
  });

  it("ends the run CANCELED with its event when the command is interrupted while waiting", async () => {
    const instance = memoryStorage();
    await instance.createRun(run("busy", "STARTED"));
    const controller = new AbortController();
    const waiting = waitForQueueSlot(instance, run("mine"), { maxConcurrentRuns: 1 }, controller.signal, () => controller.abort(), 5);
    expect(await waiting).toBeUndefined();
    expect(await instance.getRun("mine")).toMatchObject({ status: "CANCELED", statusReason: "canceled while waiting in the queue" });
    expect((await instance.getEvents("mine")).map((e) => e.type)).toEqual(["RUN_ENQUEUED", "RUN_CANCELED"]);
  });
});
