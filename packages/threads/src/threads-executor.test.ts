import { describe, expect, it } from "vitest";
import { defineListener, isOrchError } from "@orch/core";
import { CONTRACT_DEFINITIONS_MODULE } from "@orch/core/testing";
import type pl from "nodejs-polars";
import type { Table } from "apache-arrow";
import { arrowSummary, makeArrowTable, makePolarsFrame, polarsSummary } from "./test-fixtures/frames-definitions.ts";
import { fixture, maxOverlap, ofType, runModule } from "./test-helpers.ts";
import { threadsExecutor } from "./threads-executor.ts";

describe("threadsExecutor: parallelism and placement", () => {
  // How much faster that is belongs to the benchmark (npm run bench -- threads); here: they overlap, on workers.
  it("runs CPU-bound steps two at a time on 2 worker threads, main-hinted steps on the main thread", async () => {
    const { result, events, value } = await runModule(fixture("cpu-definitions.ts"), { executor: threadsExecutor({ maxThreads: 2 }) });
    expect(result.status).toBe("SUCCESS");
    const crunch = (k: string) => k.startsWith("crunch_");
    expect(ofType(events, "STEP_SUCCESS").filter((e) => crunch(e.stepKey))).toHaveLength(4);
    expect(maxOverlap(events, crunch)).toBe(2);
    for (const n of [1, 2, 3, 4]) expect(await value(`crunch_${n}`)).toMatchObject({ mainThread: false });
    expect(await value("on_main")).toEqual({ mainThread: true });
  });
});

describe("threadsExecutor: failure isolation", () => {
  it("fails only the step whose worker exited or threw outside the step, replaces the worker and runs the rest", async () => {
    const { result, events, value } = await runModule(fixture("crash-definitions.ts"), {
      executor: threadsExecutor({ maxThreads: 2 }),
      selection: ["exits", "after_exit", "throws_uncaught", "survivor", "after_survivor"],
    });
    expect(result.status).toBe("FAILURE");
    const failures = Object.fromEntries(ofType(events, "STEP_FAILURE").map((e) => [e.stepKey, e.error]));
    expect(Object.keys(failures).sort()).toEqual(["exits", "throws_uncaught"]);
    expect(failures["exits"]).toMatchObject({ code: "WORKER_EXITED" });
    expect(failures["exits"]!.message).toContain('Step "exits" failed: the worker thread running it exited with code 7');
    expect(failures["throws_uncaught"]).toMatchObject({ code: "WORKER_CRASHED" });
    expect(failures["throws_uncaught"]!.message).toContain("crashed with an uncaught error: boom outside the step's promise");
    expect(ofType(events, "STEP_START", "exits")).toHaveLength(1);
    expect(ofType(events, "STEP_SKIPPED", "after_exit")).toHaveLength(1);
    expect(ofType(events, "STEP_SUCCESS").map((e) => e.stepKey).sort()).toEqual(["after_survivor", "survivor"]);
    expect(await value("after_survivor")).toBe("still here!");
  });

  it("fails a step that exceeds the worker's memory limit with an out-of-memory reason", async () => {
    const { result, events, value } = await runModule(fixture("crash-definitions.ts"), {
      executor: threadsExecutor({ maxThreads: 2, resourceLimits: { maxOldGenerationSizeMb: 256 } }),
      selection: ["hogs_memory", "survivor", "after_survivor"],
    });
    expect(result.status).toBe("FAILURE");
    const [failure] = ofType(events, "STEP_FAILURE", "hogs_memory");
    expect(failure?.error).toMatchObject({ code: "WORKER_OUT_OF_MEMORY" });
    expect(failure?.error.message).toContain('Step "hogs_memory" failed: the worker thread running it ran out of memory (resourceLimits.maxOldGenerationSizeMb = 256)');
    expect(await value("after_survivor")).toBe("still here!");
  });
});

describe("threadsExecutor: cancellation", () => {
  it("aborts the step's signal in the worker, terminates a step that ignores it after the grace period, and ends CANCELED", async () => {
    const controller = new AbortController();
    const started = new Set<string>();
    const watcher = defineListener({
      name: "cancel-when-both-started",
      onEvent: (event) => {
        if (event.type === "STEP_START") started.add(event.stepKey);
        if (started.has("cooperative") && started.has("stubborn")) controller.abort("test cancels the run");
      },
    });
    const { result, events } = await runModule(fixture("slow-definitions.ts"), {
      executor: threadsExecutor({ maxThreads: 2, cancelGraceMs: 300 }),
      selection: ["cooperative", "stubborn", "later"],
      signal: controller.signal,
      listeners: [watcher],
    });
    expect(result.status).toBe("CANCELED");
    const failures = Object.fromEntries(ofType(events, "STEP_FAILURE").map((e) => [e.stepKey, e.error]));
    expect(failures["cooperative"]?.message).toContain("cooperative step stopped on abort");
    expect(failures["stubborn"]).toMatchObject({ code: "RUN_CANCELED" });
    expect(failures["stubborn"]?.message).toContain('Step "stubborn" was canceled: it did not stop within 300 ms');
    expect(ofType(events, "STEP_START", "later")).toHaveLength(0);
    expect(ofType(events, "RUN_CANCELED")).toMatchObject([{ reason: "test cancels the run" }]);
  });
});

describe("threadsExecutor: concurrency limits", () => {
  it("runs at most `limit` steps with a tag at once while other steps use the free threads", async () => {
    const { result, events } = await runModule(fixture("slow-definitions.ts"), {
      executor: threadsExecutor({ maxThreads: 3, tagConcurrencyLimits: [{ key: "warehouse", value: "snowflake", limit: 2 }] }),
      selection: ["warehouse_a", "warehouse_b", "warehouse_c", "warehouse_d", "warehouse_e", "local_x", "local_y"],
    });
    expect(result.status).toBe("SUCCESS");
    expect(maxOverlap(events, (k) => k.startsWith("warehouse_"))).toBe(2);
    expect(maxOverlap(events, () => true)).toBe(3);
  });
});

describe("threadsExecutor: loading definitions in workers", () => {
  it("accepts a module that exports its Definitions as `definitions`", async () => {
    const { result, value } = await runModule(fixture("named-export-definitions.ts"), { executor: threadsExecutor({ maxThreads: 1 }) });
    expect(result.status).toBe("SUCCESS");
    expect(await value("named")).toBe(42);
  });

  it("loads TypeScript that Node's type stripping refuses (enum, extensionless import) through tsx", async () => {
    const { result, value } = await runModule(fixture("tsx-only/enum-definitions.ts"), { executor: threadsExecutor({ maxThreads: 1 }) });
    expect(result.status).toBe("SUCCESS");
    expect(await value("sized")).toBe("size:10");
  });

  it("fails the run before any step starts when the module exports no Definitions", async () => {
    const { result, events } = await runModule(fixture("named-export-definitions.ts"), {
      executor: threadsExecutor({ maxThreads: 1 }),
      definitionsModule: fixture("no-definitions.ts"),
    });
    expect(result.status).toBe("FAILURE");
    expect(ofType(events, "STEP_START")).toHaveLength(0);
    expect(ofType(events, "RUN_FAILURE")[0]?.reason).toContain("must export its Definitions (from defineDefinitions()) as the default export or as \"definitions\"; it exports: notDefinitions");
  });

  it("fails the run before any step starts when no definitions module path is given", async () => {
    const { result, events } = await runModule(fixture("named-export-definitions.ts"), { executor: threadsExecutor({ maxThreads: 1 }), definitionsModule: null });
    expect(result.status).toBe("FAILURE");
    expect(ofType(events, "STEP_START")).toHaveLength(0);
    expect(ofType(events, "RUN_FAILURE")[0]?.reason).toContain("The threads executor needs the definitions module path");
  });
});

describe("threadsExecutor: frames across threads", () => {
  it("hands polars DataFrames and Arrow tables between workers and the main thread intact (types, nulls, strings, dictionaries, batches)", async () => {
    const { result, value } = await runModule(fixture("frames-definitions.ts"), { executor: threadsExecutor({ maxThreads: 2 }) });
    expect(result.status).toBe("SUCCESS");
    const polars = polarsSummary(makePolarsFrame());
    const arrow = arrowSummary(makeArrowTable());
    expect(arrow.batches).toEqual([200, 200, 100]);
    // Worker → main (moved): what the in-memory io holds on the main thread.
    expect(polarsSummary((await value("polars_frame")) as pl.DataFrame)).toEqual(polars);
    expect(arrowSummary((await value("arrow_table")) as Table)).toEqual(arrow);
    // Main → worker (copied: the io manager keeps its values): what a downstream step saw in its worker.
    expect(await value("combined")).toEqual({ polars, arrow, mainThread: false });
    expect(await value("on_main_reads_frame")).toEqual({ height: 1000, mainThread: true });
  });
});

describe("threadsExecutor: shared pool", () => {
  it("keeps each worker's resources across runs until teardown()", async () => {
    const executor = threadsExecutor({ maxThreads: 1, sharedPool: true });
    process.env["ORCH_CONTRACT_GREETING"] = "hello";
    const setups = async () => {
      const { result, events } = await runModule(CONTRACT_DEFINITIONS_MODULE, { executor, selection: ["source"] });
      expect(result.status).toBe("SUCCESS");
      return ofType(events, "LOG").filter((e) => e.message === "contract resource: set up").length;
    };
    expect(await setups()).toBe(1);
    expect(await setups()).toBe(0);
    await executor.teardown();
    await executor.teardown();
    delete process.env["ORCH_CONTRACT_GREETING"];
  });
});

describe("threadsExecutor: config", () => {
  it("refuses invalid options naming the option path", () => {
    let caught: unknown;
    try {
      threadsExecutor({ maxThreads: 0, tagConcurrencyLimits: [{ key: "snowflake", limit: -1 }] });
    } catch (error) {
      caught = error;
    }
    expect(isOrchError(caught, "INVALID_PLUGIN_CONFIG")).toBe(true);
    expect((caught as Error).message).toContain("threads.maxThreads");
    expect((caught as Error).message).toContain("threads.tagConcurrencyLimits[0].limit");
  });
});
