import { describe, expect, it } from "vitest";
import { z } from "zod";
import { asset } from "../asset.ts";
import { defineDefinitions } from "../definitions.ts";
import { failureHook, successHook } from "../hooks.ts";
import { defineListener } from "../listener.ts";
import { output } from "../output.ts";
import { defineResource } from "../resource.ts";
import { memoryStorage } from "../storage/index.ts";
import type { OrchEvent } from "../events.ts";
import { defineType } from "../type-check.ts";
import { inProcessExecutor } from "./in-process-executor.ts";
import { materialize } from "./materialize.ts";

const types = (events: readonly OrchEvent[], step?: string) => events.filter((e) => !step || e.stepKey === step).map((e) => e.type);

describe("materialize", () => {
  it("runs a selection in dependency order and records materializations with metadata", async () => {
    const a = asset({ key: "a", compute: () => [1, 2, 3] });
    const b = asset({ key: "b", ins: { a }, compute: ({ ins }) => output(ins.a.map((x) => x * 2), { metadata: { rows: ins.a.length } }) });
    const c = asset({ key: "c", ins: { b }, compute: ({ ins }) => ins.b.length });
    const instance = memoryStorage();
    const result = await materialize(defineDefinitions({ assets: [a, b, c] }), { selection: "+b", instance });
    expect(result.status).toBe("SUCCESS");
    expect(result.run.stepKeys).toEqual(["a", "b"]);
    const events = await instance.getEvents(result.runId);
    expect(types(events, "b")).toEqual(["STEP_START", "LOADED_INPUT", "HANDLED_OUTPUT", "ASSET_MATERIALIZATION", "STEP_SUCCESS"]);
    const mat = events.find((e) => e.type === "ASSET_MATERIALIZATION" && e.stepKey === "b");
    expect(mat).toMatchObject({ assetKey: ["b"], metadata: { rows: 3 } });
    expect((await instance.getRun(result.runId))?.status).toBe("SUCCESS");
  });

  it("fails a throwing step with its error and stack, skips downstream, continues independent branches", async () => {
    const root = asset({ key: "root", compute: () => 1 });
    const broken = asset({
      key: "broken",
      ins: { root },
      compute: () => {
        throw new Error("source API returned 500");
      },
    });
    const after = asset({ key: "after_broken", ins: { broken }, compute: () => 2 });
    const independent = asset({ key: "independent", ins: { root }, compute: () => 3 });
    const instance = memoryStorage();
    const result = await materialize(defineDefinitions({ assets: [root, broken, after, independent] }), { instance });
    expect(result.status).toBe("FAILURE");
    const events = await instance.getEvents(result.runId);
    const failure = events.find((e) => e.type === "STEP_FAILURE");
    expect(failure).toMatchObject({ stepKey: "broken", error: { message: "source API returned 500" } });
    expect(failure?.type === "STEP_FAILURE" && failure.error.stack).toContain("materialize.test.ts");
    expect(events.find((e) => e.type === "STEP_SKIPPED")).toMatchObject({ stepKey: "after_broken", reason: 'upstream step "broken" failed' });
    expect(types(events, "independent")).toContain("STEP_SUCCESS");
    expect(events.at(-1)).toMatchObject({ type: "RUN_FAILURE", failedSteps: ["broken"], reason: "1 step failed: broken" });
  });

  it("retries with backoff and succeeds", async () => {
    let calls = 0;
    const flaky = asset({
      key: "flaky",
      retry: { maxRetries: 3, delayMs: 5, backoff: "exponential" },
      compute: ({ attempt }) => {
        calls++;
        if (attempt < 3) throw new Error(`attempt ${attempt} failed`);
        return "ok";
      },
    });
    const instance = memoryStorage();
    const result = await materialize(defineDefinitions({ assets: [flaky] }), { instance });
    expect(result.status).toBe("SUCCESS");
    expect(calls).toBe(3);
    const events = await instance.getEvents(result.runId);
    const retries = events.filter((e) => e.type === "STEP_RETRY");
    expect(retries.map((e) => e.type === "STEP_RETRY" && [e.attempt, e.delayMs])).toEqual([
      [1, 5],
      [2, 10],
    ]);
    expect(types(events, "flaky").filter((t) => t === "STEP_START")).toHaveLength(3);
  });

  it("gives up after maxRetries", async () => {
    const always = asset({ key: "always", retry: { maxRetries: 1 }, compute: () => Promise.reject(new Error("nope")) });
    const result = await materialize(defineDefinitions({ assets: [always] }));
    const events = await result.instance.getEvents(result.runId);
    expect(types(events)).toEqual(["RUN_START", "STEP_START", "STEP_RETRY", "STEP_START", "STEP_FAILURE", "RUN_FAILURE"]);
  });

  it("cancels through an AbortSignal: in-flight steps see it and the run ends CANCELED", async () => {
    const controller = new AbortController();
    let sawAbort = false;
    const slow = asset({
      key: "slow",
      compute: ({ signal }) =>
        new Promise((resolve, reject) => {
          signal.addEventListener("abort", () => {
            sawAbort = true;
            reject(new Error("stopped"));
          });
          setTimeout(() => controller.abort(), 20);
          setTimeout(resolve, 5000);
        }),
    });
    const next = asset({ key: "next", ins: { slow }, compute: () => 1 });
    const result = await materialize(defineDefinitions({ assets: [slow, next] }), { signal: controller.signal });
    expect(sawAbort).toBe(true);
    expect(result.status).toBe("CANCELED");
    const events = await result.instance.getEvents(result.runId);
    expect(types(events, "next")).toEqual([]);
    expect(events.at(-1)?.type).toBe("RUN_CANCELED");
  });

  it("respects the in-process executor's max concurrency", async () => {
    let running = 0;
    let peak = 0;
    const leaves = Array.from({ length: 6 }, (_, i) =>
      asset({
        key: `leaf_${i}`,
        compute: async () => {
          peak = Math.max(peak, ++running);
          await new Promise((r) => setTimeout(r, 10));
          running--;
          return i;
        },
      }),
    );
    await materialize(defineDefinitions({ assets: leaves }), { executor: inProcessExecutor({ maxConcurrency: 2 }) });
    expect(peak).toBe(2);
  });

  it("sets resources up once per run and tears them down even when the run fails", async () => {
    const log: string[] = [];
    const db = defineResource({
      config: z.object({ url: z.string() }),
      create: (config) => {
        log.push(`setup ${config.url}`);
        return { query: () => 42 };
      },
      teardown: () => {
        log.push("teardown");
      },
    });
    const a = asset({ key: "a", resources: ["db"], compute: ({ resources }) => resources.db.query() });
    const b = asset({
      key: "b",
      resources: ["db"],
      ins: { a },
      compute: () => {
        throw new Error("boom");
      },
    });
    const result = await materialize(defineDefinitions({ assets: [a, b], resources: { db: db({ url: "sqlite://x" }) } }));
    expect(result.status).toBe("FAILURE");
    expect(log).toEqual(["setup sqlite://x", "teardown"]);
  });

  it("resolves { env } config at run time and never writes the secret to events or the run record", async () => {
    process.env.ORCH_TEST_TOKEN = "s3cret-token-value";
    const api = defineResource({ config: z.object({ token: z.string() }), create: (c) => ({ token: c.token }) });
    const a = asset({
      key: "a",
      resources: ["api"],
      compute: ({ resources, log }) => {
        log.info(`calling with ${resources.api.token}`);
        return resources.api.token.length;
      },
    });
    const instance = memoryStorage();
    const result = await materialize(defineDefinitions({ assets: [a], resources: { api: api({ token: { env: "ORCH_TEST_TOKEN" } }) } }), { instance });
    expect(result.status).toBe("SUCCESS");
    const stored = JSON.stringify([await instance.getEvents(result.runId), await instance.getRun(result.runId)]);
    expect(stored).not.toContain("s3cret-token-value");
    expect(stored).toContain("calling with ***");
    delete process.env.ORCH_TEST_TOKEN;
  });

  it("refuses invalid run config before any step runs, listing every issue with its path", async () => {
    let ran = false;
    const a = asset({
      key: "cleaned",
      config: z.object({ threshold: z.number(), mode: z.enum(["fast", "full"]) }),
      compute: () => {
        ran = true;
        return 1;
      },
    });
    const instance = memoryStorage();
    await expect(
      materialize(defineDefinitions({ assets: [a] }), { instance, runConfig: { assets: { cleaned: { config: { threshold: "3", mode: "slow" } } } } }),
    ).rejects.toThrowError(/Invalid run config:\n  assets\.cleaned\.config\.threshold: .*number.*\n  assets\.cleaned\.config\.mode: /);
    expect(ran).toBe(false);
    expect(await instance.listRuns()).toEqual([]);
  });

  it("refuses a missing environment variable before the run, naming config path and variable", async () => {
    const api = defineResource({ config: z.object({ token: z.string() }), create: () => ({}) });
    const a = asset({ key: "a", resources: ["api"], compute: () => 1 });
    await expect(
      materialize(defineDefinitions({ assets: [a], resources: { api: api({ token: { env: "ORCH_TEST_MISSING" } }) } })),
    ).rejects.toThrowError("resources.api.config.token: environment variable ORCH_TEST_MISSING is not set");
  });

  it("refuses unknown keys in a selection with suggestions", async () => {
    const orders = asset({ key: "orders", compute: () => 1 });
    await expect(materialize(defineDefinitions({ assets: [orders] }), { selection: ["ordrs"] })).rejects.toThrowError(
      'Unknown asset "ordrs". Did you mean "orders"?',
    );
  });

  it("runs success and failure hooks; a failing hook does not change the outcome", async () => {
    const seen: string[] = [];
    const ok = successHook("notify", (ctx) => {
      seen.push(`ok ${ctx.stepKey}`);
    });
    const bad = failureHook("page", (ctx) => {
      seen.push(`failed ${ctx.stepKey}: ${ctx.error?.message}`);
      throw new Error("pager down");
    });
    const good = asset({ key: "good", hooks: [ok], compute: () => 1 });
    const broken = asset({ key: "broken", hooks: [bad], compute: () => Promise.reject(new Error("x")) });
    const result = await materialize(defineDefinitions({ assets: [good, broken] }));
    expect(seen.sort()).toEqual(["failed broken: x", "ok good"]);
    const events = await result.instance.getEvents(result.runId);
    expect(types(events, "broken")).toEqual(["STEP_START", "HOOK_ERRORED", "STEP_FAILURE"]);
    expect(types(events, "good")).toContain("HOOK_COMPLETED");
  });

  it("tells listeners every event and the finished run; listener errors become warnings", async () => {
    const seen: string[] = [];
    let ended = "";
    const listener = defineListener({
      name: "collector",
      onEvent: (event) => {
        seen.push(event.type);
      },
      onRunEnd: (run) => {
        ended = run.status;
      },
    });
    const broken = defineListener({
      name: "broken",
      onEvent: () => {
        throw new Error("listener bug");
      },
    });
    const a = asset({ key: "a", compute: () => 1 });
    const result = await materialize(defineDefinitions({ assets: [a], listeners: [listener, broken] }));
    expect(result.status).toBe("SUCCESS");
    expect(seen).toEqual(["RUN_START", "STEP_START", "HANDLED_OUTPUT", "ASSET_MATERIALIZATION", "STEP_SUCCESS", "LOG", "RUN_SUCCESS"]);
    expect(ended).toBe("SUCCESS");
    const events = await result.instance.getEvents(result.runId);
    expect(events.some((e) => e.type === "LOG" && e.level === "warn" && e.message === 'Listener "broken" failed 5 times: listener bug')).toBe(true);
  });

  it("checks outputs at the step boundary: an error-severity failure stores nothing, warn continues", async () => {
    const Positive = defineType<number>("Positive", (v) => typeof v === "number" && v > 0, "expected a positive number");
    const stored: string[] = [];
    const io = {
      handleOutput: async (ctx: { assetKey?: readonly string[] }) => {
        stored.push(ctx.assetKey!.join("/"));
      },
      loadInput: async () => -1,
    };
    const bad = asset({ key: "bad", output: Positive, compute: () => -1 });
    const lenient = asset({
      key: "lenient",
      output: { kind: "orch.type", name: "Lenient", check: () => ({ success: false, severity: "warn", description: "odd but allowed" }) },
      compute: () => 5,
    });
    const result = await materialize(defineDefinitions({ assets: [bad, lenient] }), { defaultIOManager: io });
    expect(result.status).toBe("FAILURE");
    expect(stored).toEqual(["lenient"]);
    const events = await result.instance.getEvents(result.runId);
    const failure = events.find((e) => e.type === "STEP_FAILURE");
    expect(failure?.type === "STEP_FAILURE" && failure.error.message).toContain('Asset "bad" failed type check Positive (nothing was stored):\nexpected a positive number');
    expect(events.filter((e) => e.type === "STEP_OUTPUT_TYPE_CHECK").map((e) => e.type === "STEP_OUTPUT_TYPE_CHECK" && [e.stepKey, e.success, e.severity])).toEqual(
      expect.arrayContaining([
        ["bad", false, "error"],
        ["lenient", false, "warn"],
      ]),
    );
  });

  it("loads unselected upstream assets from the IO manager", async () => {
    const a = asset({ key: "a", compute: () => 10 });
    const b = asset({ key: "b", ins: { a }, compute: ({ ins }) => ins.a + 1 });
    const defs = defineDefinitions({ assets: [a, b] });
    const instance = memoryStorage();
    const io = (await import("../io/memory-io-manager.ts")).memoryIOManager();
    await materialize(defs, { selection: "a", instance, defaultIOManager: io });
    let seen = 0;
    const c = await materialize(defs, { selection: "b", instance, defaultIOManager: io, listeners: [] });
    expect(c.status).toBe("SUCCESS");
    const events = await instance.getEvents(c.runId);
    expect(events.find((e) => e.type === "LOADED_INPUT")).toMatchObject({ inputName: "a", upstreamStepKey: "a" });
    seen = events.filter((e) => e.type === "STEP_START").length;
    expect(seen).toBe(1);
  });
});

describe("plugin output guards", () => {
  it("refuse undeclared outputs a plugin recognises, naming the asset", async () => {
    const { definePlugin } = await import("../plugin.ts");
    const framePlugin = definePlugin({
      name: "frames",
      core: "^0.1.0",
      outputGuards: [{ name: "undeclared-frame", check: (value, subject) => (value instanceof Map ? new Error(`${subject} returned a Map-frame but declares no schema`) : undefined) }],
    });
    const bad = asset({ key: "bad", compute: () => new Map() });
    const result = await materialize(defineDefinitions({ assets: [bad], plugins: [framePlugin] }));
    const failure = (await result.instance.getEvents(result.runId)).find((e) => e.type === "STEP_FAILURE");
    expect(failure?.type === "STEP_FAILURE" && failure.error.message).toBe('[orch] asset "bad" returned a Map-frame but declares no schema');
  });
});
