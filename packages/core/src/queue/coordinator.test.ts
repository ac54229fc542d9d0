import { describe, expect, it } from "vitest";
import { asset } from "../asset.ts";
import { defineDefinitions } from "../definitions.ts";
import { memoryStorage } from "../storage/index.ts";
import { cancelRun } from "./cancel-run.ts";
import { explainQueue, RunCoordinator } from "./coordinator.ts";
import { enqueueRun } from "./enqueue.ts";
import { executeQueuedRun } from "./execute-queued-run.ts";
import { inProcessLauncher } from "./in-process-launcher.ts";

const quick = asset({ key: "quick", compute: () => 1 });

/** An asset that runs until its run is canceled. */
const waits = asset({
  key: "waits",
  compute: ({ signal }) =>
    new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true })),
});

const definitions = defineDefinitions({ assets: [quick, waits] });

describe("the run queue", () => {
  it("enqueues runs QUEUED and starts them under maxConcurrentRuns, each through STARTING and STARTED", async () => {
    const instance = memoryStorage();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await enqueueRun(definitions, instance, { selection: "quick", tags: { n: String(i) } })).runId);
    expect((await instance.getRun(ids[0]!))?.status).toBe("QUEUED");
    const launcher = inProcessLauncher(definitions, instance);
    const coordinator = new RunCoordinator(instance, launcher, { maxConcurrentRuns: 2 });
    expect(await coordinator.dequeue()).toEqual([ids[0], ids[1]]);
    expect((await explainQueue(instance, { maxConcurrentRuns: 2 })).get(ids[2]!)).toBe("maxConcurrentRuns: 2 of 2 runs in progress");
    await launcher.drain!();
    expect(await coordinator.dequeue()).toEqual([ids[2]]);
    await launcher.drain!();
    for (const id of ids) {
      expect((await instance.getRun(id))?.status).toBe("SUCCESS");
      expect((await instance.getEvents(id)).map((e) => e.type).slice(0, 2)).toEqual(["RUN_ENQUEUED", "RUN_START"]);
    }
  });

  it("launches a run key once, however often it is requested", async () => {
    const instance = memoryStorage();
    const first = await enqueueRun(definitions, instance, { selection: "quick", runKey: "file-1.csv", instigator: "files" });
    const again = await enqueueRun(definitions, instance, { selection: "quick", runKey: "file-1.csv", instigator: "files" });
    expect(again).toEqual({ runId: first.runId, created: false });
    expect(await instance.getQueuedRuns()).toHaveLength(1);
  });

  it("refuses an unknown selection or job at enqueue time", async () => {
    const instance = memoryStorage();
    await expect(enqueueRun(definitions, instance, { selection: "nope" })).rejects.toMatchObject({ code: "UNKNOWN_ASSET" });
    await expect(enqueueRun(definitions, instance, { jobName: "nightly" })).rejects.toMatchObject({ code: "UNKNOWN_JOB" });
  });

  it("cancels a queued run at once and a running one through CANCELING", async () => {
    const instance = memoryStorage();
    const queued = await enqueueRun(definitions, instance, { selection: "quick" });
    expect(await cancelRun(instance, queued.runId)).toBe("CANCELED");
    expect((await instance.getEvents(queued.runId)).map((e) => e.type)).toEqual(["RUN_ENQUEUED", "RUN_CANCELED"]);
    const launcher = inProcessLauncher(definitions, instance, { cancelPollMs: 10 });
    const coordinator = new RunCoordinator(instance, launcher);
    expect(await coordinator.dequeue()).toEqual([]);

    const running = await enqueueRun(definitions, instance, { selection: "waits" });
    await coordinator.dequeue();
    while ((await instance.getEvents(running.runId, { types: ["STEP_START"] })).length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(await cancelRun(instance, running.runId)).toBe("CANCELING");
    await launcher.drain!();
    expect((await instance.getRun(running.runId))?.status).toBe("CANCELED");
    await expect(cancelRun(instance, running.runId)).rejects.toMatchObject({ code: "RUN_NOT_CANCELABLE" });
  });

  it("ends a run refused at start FAILURE with the reason instead of leaving it STARTED", async () => {
    const instance = memoryStorage();
    const { runId } = await enqueueRun(definitions, instance, { selection: "waits" });
    await instance.transitionRun(runId, ["QUEUED"], { status: "STARTING" });
    await expect(executeQueuedRun(defineDefinitions({ assets: [quick] }), instance, runId)).rejects.toMatchObject({ code: "UNKNOWN_ASSET" });
    expect(await instance.getRun(runId)).toMatchObject({ status: "FAILURE", statusReason: expect.stringContaining("waits") });
  });
});
