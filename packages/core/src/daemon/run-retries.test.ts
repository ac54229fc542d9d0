import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { asset } from "../asset.ts";
import { schedule } from "../automation/schedule.ts";
import { sensor } from "../automation/sensor.ts";
import { defineDefinitions, type Definitions } from "../definitions.ts";
import { CRASHED_RUN_REASON, CRASHED_WHILE_CANCELING_REASON } from "../execution/crash-detection.ts";
import { memoryIOManager } from "../io/memory-io-manager.ts";
import { In } from "../ops/ins-outs.ts";
import { job } from "../ops/job.ts";
import { op } from "../ops/op.ts";
import { cancelRun } from "../queue/cancel-run.ts";
import { enqueueRun } from "../queue/enqueue.ts";
import { inProcessLauncher } from "../queue/in-process-launcher.ts";
import { RETRY_TAGS, type RunRetryPolicy } from "../queue/run-retries.ts";
import type { RunRecord } from "../run-record.ts";
import { memoryStorage } from "../storage/index.ts";
import type { InstanceStorage } from "../storage.ts";
import { manualClock } from "./clock.ts";
import { Daemon } from "./daemon.ts";
import { RUN_RETRY_STATE } from "./run-retry-loop.ts";

const T0 = Date.now();

/** a -> b -> c; `b` fails its first `failures` calls. Counts how often each step's compute ran. */
function pipeline(failures: number) {
  const calls = { a: 0, b: 0, c: 0 };
  const a = asset({ key: "a", compute: () => (calls.a++, 1) });
  const b = asset({
    key: "b",
    ins: { a },
    compute: ({ ins }) => {
      calls.b++;
      if (calls.b <= failures) throw new Error(`b failed (call ${calls.b})`);
      return ins.a + 1;
    },
  });
  const c = asset({ key: "c", ins: { b }, compute: ({ ins }) => (calls.c++, ins.b + 1) });
  return { calls, assets: [a, b, c] };
}

function setup(definitions: Definitions, policy?: RunRetryPolicy, instance: InstanceStorage = memoryStorage()) {
  const clock = manualClock(T0);
  const logs: string[] = [];
  // One IO manager for every run, as a filesystem one would be: a retry reads the outputs its parent stored.
  const launcher = inProcessLauncher(definitions, instance, { defaultIOManager: memoryIOManager(), cancelPollMs: 10 });
  const daemon = new Daemon({
    definitions,
    instance,
    launcher,
    clock,
    identity: { pid: 1, host: "test" },
    log: (line) => logs.push(line),
    ...(policy ? { runRetries: policy } : {}),
  });
  /** Daemon passes (each run to its end) until a pass changes nothing: no run created, started or ended. */
  const settle = async () => {
    const snapshot = async () => JSON.stringify((await instance.listRuns({ limit: 1_000 })).map((r) => [r.runId, r.status]));
    for (let i = 0; i < 10; i++) {
      const before = await snapshot();
      await daemon.runOnce();
      await launcher.drain!();
      if ((await snapshot()) === before) return;
    }
    throw new Error("the daemon did not settle");
  };
  return { instance, clock, launcher, daemon, logs, settle };
}

const retryPolicy = (overrides: Partial<RunRetryPolicy> = {}): RunRetryPolicy => ({ maxRetries: 2, strategy: "from_failure", retryOnStepFailure: true, ...overrides });

/** Every run, oldest first and each retry after the run it retries (the daemon's manual clock stands still). */
async function allRuns(instance: InstanceStorage): Promise<RunRecord[]> {
  const retryNumber = (run: RunRecord) => Number(run.tags[RETRY_TAGS.retryNumber] ?? 0);
  return (await instance.listRuns({ limit: 100 })).reverse().sort((a, b) => retryNumber(a) - retryNumber(b));
}

describe("run retries (the daemon's retries loop)", () => {
  it("retries a run whose step failed once: the retry succeeds, is retry 1 of its root, and re-runs only the steps that did not succeed", async () => {
    const { calls, assets } = pipeline(1);
    const definitions = defineDefinitions({ assets });
    const { instance, daemon, settle } = setup(definitions, retryPolicy());
    await daemon.runOnce(); // the retries loop starts watching the log
    const { runId } = await enqueueRun(definitions, instance, { selection: "*" });
    await settle();

    const runs = await allRuns(instance);
    expect(runs.map((r) => r.status)).toEqual(["FAILURE", "SUCCESS"]);
    const retry = runs[1]!;
    expect(retry).toMatchObject({ parentRunId: runId, rootRunId: runId, stepKeys: ["b", "c"], tags: { [RETRY_TAGS.retryNumber]: "1" } });
    // `a` succeeded in the failed run: never executed again; b ran twice (failed, then succeeded), c once.
    expect(calls).toEqual({ a: 1, b: 2, c: 1 });
    expect((await instance.getEvents(retry.runId, { types: ["STEP_SUCCESS"] })).map((e) => e.stepKey)).toEqual(["b", "c"]);
  });

  it("retries an op job twice, each retry reading the outputs of the run that produced them", async () => {
    const calls = { extract: 0, load: 0 };
    const extract = op({ name: "extract", compute: () => (calls.extract++, [1, 2, 3]) });
    const load = op({
      name: "load",
      ins: { rows: In<number[]>() },
      compute: ({ ins }) => {
        calls.load++;
        if (calls.load <= 2) throw new Error(`load failed (call ${calls.load})`);
        return ins.rows.length;
      },
    });
    const definitions = defineDefinitions({ jobs: [job({ name: "etl", graph: () => load(extract()) })] });
    const { instance, daemon, settle } = setup(definitions, retryPolicy({ maxRetries: 3 }));
    await daemon.runOnce();
    const { runId } = await enqueueRun(definitions, instance, { jobName: "etl" });
    await settle();
    const runs = await allRuns(instance);
    expect(runs.map((r) => [r.status, r.stepKeys])).toEqual([
      ["FAILURE", ["extract", "load"]],
      ["FAILURE", ["load"]],
      ["SUCCESS", ["load"]],
    ]);
    expect(calls).toEqual({ extract: 1, load: 3 });
    // The second retry's input comes from the first run, where `extract` succeeded, not from its parent.
    expect((await instance.getEvents(runs[2]!.runId, { types: ["LOADED_INPUT"] }))[0]).toMatchObject({ upstreamStepKey: "extract", upstreamRunId: runId });
  });

  it("retries each failed run exactly once, across daemon restarts and a lost cursor", async () => {
    const { assets } = pipeline(Number.POSITIVE_INFINITY);
    const definitions = defineDefinitions({ assets });
    const instance = memoryStorage();
    const first = setup(definitions, retryPolicy({ maxRetries: 1 }), instance);
    await first.daemon.runOnce();
    await enqueueRun(definitions, instance, { selection: "*" });
    await first.settle();
    expect((await allRuns(instance)).map((r) => r.status)).toEqual(["FAILURE", "FAILURE"]);

    // A new daemon (a restart, another leader) and one whose cursor was lost before it was saved: nothing twice.
    const second = setup(definitions, retryPolicy({ maxRetries: 1 }), instance);
    await second.settle();
    await instance.setState(RUN_RETRY_STATE.namespace, RUN_RETRY_STATE.key, JSON.stringify({ afterId: 0, pending: [] }));
    await second.settle();
    const runs = await allRuns(instance);
    expect(runs).toHaveLength(2);
    expect(second.logs).toContain(`run ${runs[0]!.runId} failed: already retried as run ${runs[1]!.runId}`);
  });

  it("stops once maxRetries is exhausted: the last retry stays failed", async () => {
    const { calls, assets } = pipeline(Number.POSITIVE_INFINITY);
    const definitions = defineDefinitions({ assets });
    const { instance, daemon, settle, logs } = setup(definitions, retryPolicy({ maxRetries: 2 }));
    await daemon.runOnce();
    const { runId } = await enqueueRun(definitions, instance, { selection: "*" });
    await settle();
    const runs = await allRuns(instance);
    expect(runs.map((r) => [r.status, r.tags[RETRY_TAGS.retryNumber], r.parentRunId, r.rootRunId])).toEqual([
      ["FAILURE", undefined, undefined, undefined],
      ["FAILURE", "1", runId, runId],
      ["FAILURE", "2", runs[1]!.runId, runId],
    ]);
    expect(calls).toEqual({ a: 1, b: 3, c: 0 });
    expect(logs).toContain(`run ${runs[2]!.runId} failed: not retried (it was retry 2 of 2)`);
  });

  it("never retries a canceled run", async () => {
    const slow = asset({ key: "slow", compute: async ({ signal }: { signal: AbortSignal }) => sleep(60_000, 1, { signal }) });
    const definitions = defineDefinitions({ assets: [slow] });
    const { instance, daemon, launcher, settle } = setup(definitions, retryPolicy());
    await daemon.runOnce();
    const { runId } = await enqueueRun(definitions, instance, { selection: "slow" });
    const { runId: queued } = await enqueueRun(definitions, instance, { selection: "slow", tags: { [RETRY_TAGS.maxRetries]: "3" } });
    await cancelRun(instance, queued);
    await daemon.runOnce();
    while ((await instance.getRun(runId))?.status !== "STARTED") await sleep(5);
    await cancelRun(instance, runId);
    await launcher.drain!();
    await settle();
    expect((await allRuns(instance)).map((r) => r.status)).toEqual(["CANCELED", "CANCELED"]);
  });

  it("never retries a run whose worker died while it was being canceled: it ends CANCELED", async () => {
    const definitions = defineDefinitions({ assets: pipeline(0).assets });
    const { instance, clock, daemon, settle } = setup(definitions, retryPolicy());
    await daemon.runOnce();
    await instance.createRun({ runId: "stopping", status: "CANCELING", assetKeys: ["a"], stepKeys: ["a"], tags: {}, runConfig: {}, createdAt: T0, startedAt: T0, worker: { host: "gone-host", pid: 7, startTime: "1" } });
    await instance.appendEvents([{ runId: "stopping", timestamp: T0 + 1, stepKey: "a", type: "STEP_START", attempt: 1 }]);
    await instance.setHeartbeat("stopping", T0 + 5);
    clock.advance(60_000);
    await settle();
    expect(await allRuns(instance)).toMatchObject([{ runId: "stopping", status: "CANCELED", statusReason: CRASHED_WHILE_CANCELING_REASON }]);
    expect((await instance.getEvents("stopping")).map((e) => e.type)).toEqual(["STEP_START", "STEP_FAILURE", "RUN_CANCELED"]);
  });

  it("retries a crashed run (its worker died) from its unfinished steps, even when step failures are not retried", async () => {
    const calls = { a: 0, b: 0, c: 0 };
    const assets = (["a", "b", "c"] as const).map((key) => asset({ key, compute: () => (calls[key]++, 1) }));
    const definitions = defineDefinitions({ assets });
    const { instance, clock, daemon, settle } = setup(definitions, retryPolicy({ maxRetries: 1, retryOnStepFailure: false }));
    await daemon.runOnce();
    // A run on another host: `a` succeeded, `b` started, then the host went silent.
    await instance.createRun({ runId: "lost", status: "STARTED", assetKeys: ["a", "b", "c"], stepKeys: ["a", "b", "c"], tags: {}, runConfig: {}, createdAt: T0, startedAt: T0, worker: { host: "gone-host", pid: 7, startTime: "1" } });
    await instance.appendEvents([
      { runId: "lost", timestamp: T0, type: "RUN_START", stepKeys: ["a", "b", "c"] },
      { runId: "lost", timestamp: T0 + 1, stepKey: "a", type: "STEP_START", attempt: 1 },
      { runId: "lost", timestamp: T0 + 2, stepKey: "a", type: "STEP_SUCCESS", durationMs: 1 },
      { runId: "lost", timestamp: T0 + 3, stepKey: "b", type: "STEP_START", attempt: 1 },
    ]);
    await instance.setHeartbeat("lost", T0 + 5);
    clock.advance(60_000);
    await settle();
    const [lost, retry] = await allRuns(instance);
    expect(lost).toMatchObject({ status: "FAILURE", statusReason: CRASHED_RUN_REASON });
    expect(retry).toMatchObject({ status: "SUCCESS", parentRunId: "lost", stepKeys: ["b", "c"], tags: { [RETRY_TAGS.retryNumber]: "1" } });
    expect(calls).toEqual({ a: 0, b: 1, c: 1 });
  });

  it("does not retry a step failure when the run's tags say so, and follows the tags' strategy over orch.yaml's", async () => {
    const { calls, assets } = pipeline(1);
    const definitions = defineDefinitions({
      assets,
      jobs: [
        job({ name: "no_step_retries", selection: "*", tags: { [RETRY_TAGS.maxRetries]: "1", [RETRY_TAGS.retryOnStepFailure]: "false" } }),
        job({ name: "all_steps", selection: "*", tags: { [RETRY_TAGS.maxRetries]: "1", [RETRY_TAGS.strategy]: "ALL_STEPS" } }),
      ],
    });
    // orch.yaml retries nothing: only the tags enable retries.
    const { instance, daemon, settle, logs } = setup(definitions);
    await daemon.runOnce();
    const { runId } = await enqueueRun(definitions, instance, { jobName: "no_step_retries" });
    await settle();
    expect(await allRuns(instance)).toHaveLength(1);
    expect(logs).toContain(`run ${runId} failed: not retried (a step failed and ${RETRY_TAGS.retryOnStepFailure} is false)`);

    calls.b = 0;
    const { runId: all } = await enqueueRun(definitions, instance, { jobName: "all_steps" });
    await settle();
    const retry = (await allRuns(instance)).find((r) => r.parentRunId === all);
    expect(retry).toMatchObject({ status: "SUCCESS", jobName: "all_steps", stepKeys: ["a", "b", "c"] });
    expect(calls.a).toBe(3); // once per run of the first job, twice for all_steps (the retry re-ran it)
  });

  it("refuses retry tags it cannot read, on jobs, schedules, sensors and launches, naming the tag and the value", async () => {
    const definitions = defineDefinitions({ assets: pipeline(0).assets });
    expect(() => job({ name: "j", selection: "*", tags: { [RETRY_TAGS.maxRetries]: "many" } })).toThrow(
      expect.objectContaining({ code: "INVALID_RUN_TAG", message: expect.stringContaining('Job "j": tag "orch/max_retries" must be a whole number of retries (0, 1, 2, ...), got "many"') }),
    );
    expect(() => schedule({ name: "s", cron: "0 * * * *", target: "*", tags: { [RETRY_TAGS.strategy]: "sometimes" } })).toThrow(
      expect.objectContaining({ code: "INVALID_RUN_TAG", message: expect.stringContaining('tag "orch/retry_strategy" must be from_failure or all_steps (any case), got "sometimes"') }),
    );
    expect(() => sensor({ name: "s", target: "*", tags: { [RETRY_TAGS.maxRetries]: "-1" }, evaluate: () => [] })).toThrow(
      expect.objectContaining({ code: "INVALID_RUN_TAG", message: expect.stringContaining('Sensor "s": tag "orch/max_retries"') }),
    );
    await expect(enqueueRun(definitions, memoryStorage(), { selection: "*", tags: { [RETRY_TAGS.retryOnStepFailure]: "yes" } })).rejects.toMatchObject({
      code: "INVALID_RUN_TAG",
      message: expect.stringContaining('tag "orch/retry_on_step_failure" must be "true" or "false", got "yes"'),
    });
  });
});
