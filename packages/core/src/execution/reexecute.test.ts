import { describe, expect, it } from "vitest";
import { asset } from "../asset.ts";
import { defineDefinitions } from "../definitions.ts";
import { isOrchError } from "../errors.ts";
import { memoryIOManager } from "../io/memory-io-manager.ts";
import { memoryStorage } from "../storage/memory-storage.ts";
import type { InstanceStorage } from "../storage.ts";
import { materialize } from "./materialize.ts";
import { dynamicOut, In, job, op, runJob } from "../ops/index.ts";
import { executeQueuedRun } from "../queue/execute-queued-run.ts";
import { FOREGROUND_TAG } from "../queue/foreground-slot.ts";
import { enqueueReexecution, reexecute } from "./reexecute.ts";

/** a → b → c, where b fails while `failB.on` is set; counts how often each step computed. */
function pipeline() {
  const failB = { on: true };
  const calls = { a: 0, b: 0, c: 0 };
  const a = asset({ key: "a", compute: () => (calls.a++, 1) });
  const b = asset({
    key: "b",
    ins: { a },
    compute: ({ ins }) => {
      calls.b++;
      if (failB.on) throw new Error("b is broken");
      return (ins.a as number) + 1;
    },
  });
  const c = asset({ key: "c", ins: { b, a }, compute: ({ ins }) => (calls.c++, (ins.b as number) * 10 + (ins.a as number)) });
  return { defs: defineDefinitions({ assets: [a, b, c] }), failB, calls };
}

async function startedSteps(instance: InstanceStorage, runId: string): Promise<string[]> {
  return (await instance.getEvents(runId, { types: ["STEP_START"] })).map((e) => e.stepKey!);
}

describe("reexecute", () => {
  it("from failure runs only failed and skipped steps, loading succeeded outputs", async () => {
    const { defs, failB, calls } = pipeline();
    const instance = memoryStorage();
    const io = memoryIOManager();
    const parent = await materialize(defs, { instance, defaultIOManager: io });
    expect(parent.status).toBe("FAILURE");

    failB.on = false;
    const child = await reexecute(defs, parent.runId, { instance, defaultIOManager: io, fromFailure: true });
    expect(child.status).toBe("SUCCESS");
    expect(await startedSteps(instance, child.runId)).toEqual(["b", "c"]);
    expect(calls).toEqual({ a: 1, b: 2, c: 1 });
    expect(child.run.parentRunId).toBe(parent.runId);
    expect(child.run.rootRunId).toBe(parent.runId);
    const loaded = await instance.getEvents(child.runId, { types: ["LOADED_INPUT"] });
    expect(loaded.some((e) => e.type === "LOADED_INPUT" && e.stepKey === "b" && e.upstreamRunId === parent.runId)).toBe(true);
  });

  it("links the root of a chain and refuses a succeeded parent from failure", async () => {
    const { defs, failB } = pipeline();
    const instance = memoryStorage();
    const io = memoryIOManager();
    const first = await materialize(defs, { instance, defaultIOManager: io });
    const second = await reexecute(defs, first.runId, { instance, defaultIOManager: io, fromFailure: true });
    expect(second.status).toBe("FAILURE");
    failB.on = false;
    const third = await reexecute(defs, second.runId, { instance, defaultIOManager: io, fromFailure: true });
    expect(third.run.parentRunId).toBe(second.runId);
    expect(third.run.rootRunId).toBe(first.runId);
    await expect(reexecute(defs, third.runId, { instance, defaultIOManager: io, fromFailure: true })).rejects.toThrow(/Nothing to re-execute: run ".*" succeeded/);
  });

  it("re-runs a chosen subset of steps", async () => {
    const { defs, failB, calls } = pipeline();
    failB.on = false;
    const instance = memoryStorage();
    const io = memoryIOManager();
    const parent = await materialize(defs, { instance, defaultIOManager: io });
    const child = await reexecute(defs, parent.runId, { instance, defaultIOManager: io, steps: ["c"] });
    expect(await startedSteps(instance, child.runId)).toEqual(["c"]);
    expect(calls).toEqual({ a: 1, b: 1, c: 2 });
    await expect(reexecute(defs, parent.runId, { instance, steps: ["nope"] })).rejects.toThrow(/Step "nope" was not part of run/);
  });

  it("refuses an unknown run and a run that is still going", async () => {
    const { defs } = pipeline();
    const instance = memoryStorage();
    const error = await reexecute(defs, "missing", { instance }).catch((e: unknown) => e);
    expect(isOrchError(error, "UNKNOWN_RUN")).toBe(true);
    expect((error as Error).message).toContain('Run "missing" does not exist');
    await instance.createRun({ runId: "live", status: "STARTED", assetKeys: ["a"], stepKeys: ["a"], tags: {}, runConfig: {}, createdAt: 1 });
    await expect(reexecute(defs, "live", { instance, fromFailure: true })).rejects.toThrow(/Run "live" is still STARTED/);
  });
});

describe("enqueueReexecution", () => {
  it("queues the chosen steps as a linked, tagged run that only the queue executes", async () => {
    const { defs, failB, calls } = pipeline();
    failB.on = false;
    const instance = memoryStorage();
    const io = memoryIOManager();
    const parent = await materialize(defs, { instance, defaultIOManager: io, tags: { team: "web", [FOREGROUND_TAG]: "1@host" } });
    const { runId } = await enqueueReexecution(defs, instance, parent.runId, { steps: ["b", "c"] });

    const queued = await instance.getRun(runId);
    expect(queued).toMatchObject({ status: "QUEUED", stepKeys: ["b", "c"], parentRunId: parent.runId, rootRunId: parent.runId });
    expect(queued!.tags).toEqual({ team: "web", "orch/parent-run-id": parent.runId, "orch/root-run-id": parent.runId });
    expect((await instance.getEvents(runId)).map((e) => e.type)).toEqual(["RUN_ENQUEUED"]);
    expect(calls).toEqual({ a: 1, b: 1, c: 1 });

    const result = await executeQueuedRun(defs, instance, runId, { defaultIOManager: io });
    expect(result?.status).toBe("SUCCESS");
    expect(await startedSteps(instance, runId)).toEqual(["b", "c"]);
    expect(calls).toEqual({ a: 1, b: 2, c: 2 });
    const loaded = await instance.getEvents(runId, { types: ["LOADED_INPUT"] });
    expect(loaded.some((e) => e.type === "LOADED_INPUT" && e.stepKey === "b" && e.upstreamRunId === parent.runId)).toBe(true);

    const again = await enqueueReexecution(defs, instance, runId, { fromFailure: false });
    expect(await instance.getRun(again.runId)).toMatchObject({ stepKeys: ["b", "c"], parentRunId: runId, rootRunId: parent.runId, tags: { "orch/root-run-id": parent.runId } });
  });

  it("queues from failure only the steps that did not succeed", async () => {
    const { defs, failB } = pipeline();
    const instance = memoryStorage();
    const io = memoryIOManager();
    const parent = await materialize(defs, { instance, defaultIOManager: io });
    failB.on = false;
    const { runId, stepKeys } = await enqueueReexecution(defs, instance, parent.runId, { fromFailure: true });
    expect(stepKeys).toEqual(["b", "c"]);
    expect((await executeQueuedRun(defs, instance, runId, { defaultIOManager: io }))?.status).toBe("SUCCESS");
  });

  it("refuses an unknown step with a suggestion, and a run still going, before queueing anything", async () => {
    const { defs } = pipeline();
    const instance = memoryStorage();
    const parent = await materialize(defs, { instance, defaultIOManager: memoryIOManager() });
    await expect(enqueueReexecution(defs, instance, parent.runId, { steps: ["bb"] })).rejects.toThrow(/Step "bb" was not part of run .*Did you mean "b"/s);
    await instance.createRun({ runId: "live", status: "STARTED", assetKeys: ["a"], stepKeys: ["a"], tags: {}, runConfig: {}, createdAt: 1 });
    await expect(enqueueReexecution(defs, instance, "live", { steps: ["a"] })).rejects.toMatchObject({ code: "RUN_NOT_FINISHED" });
    expect(await instance.getQueuedRuns()).toEqual([]);
  });

  it("refuses mapped steps of an op job without their source before queueing", async () => {
    const regions = op({ name: "regions", out: dynamicOut<number>(), compute: () => new Map([["north", 1]]) });
    const score = op({ name: "score", ins: { n: In<number>() }, compute: ({ ins }) => ins.n });
    const defs = defineDefinitions({ jobs: [job({ name: "fanout", graph: () => regions().map((n) => score(n)) })] });
    const instance = memoryStorage();
    const io = memoryIOManager();
    const parent = await runJob(defs, "fanout", { instance, defaultIOManager: io });
    await expect(enqueueReexecution(defs, instance, parent.runId, { steps: ["score[?]"] })).rejects.toThrow(/re-execute it together with that step/);
    expect(await instance.getQueuedRuns()).toEqual([]);
    const { runId } = await enqueueReexecution(defs, instance, parent.runId, {});
    expect(await instance.getRun(runId)).toMatchObject({ status: "QUEUED", jobName: "fanout", stepKeys: ["regions", "score[?]"] });
    expect((await executeQueuedRun(defs, instance, runId, { defaultIOManager: io }))?.status).toBe("SUCCESS");
    expect(await startedSteps(instance, runId)).toEqual(["regions", "score[north]"]);
  });
});
