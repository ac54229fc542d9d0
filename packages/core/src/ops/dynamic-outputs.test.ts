import { describe, expect, it } from "vitest";
import { defineDefinitions } from "../definitions.ts";
import { inProcessExecutor } from "../execution/in-process-executor.ts";
import { memoryStorage } from "../storage/index.ts";
import { dynamicOut, In, job, op, runJob } from "./index.ts";

const KEYS = ["north", "south", "east", "west", "central"];

describe("dynamic outputs", () => {
  it("runs one step per key, in parallel, and collects their outputs in key order", async () => {
    let active = 0;
    let peak = 0;
    const regions = op({ name: "regions", out: dynamicOut<number>(), compute: () => new Map(KEYS.map((k, i) => [k, i + 1])) });
    const score = op({
      name: "score",
      ins: { n: In<number>() },
      async compute({ ins, mappingKey }) {
        active++;
        peak = Math.max(peak, active);
        // Later keys finish first: collect must still follow key order.
        await new Promise((r) => setTimeout(r, 40 - ins.n * 5));
        active--;
        return `${mappingKey}:${ins.n * 10}`;
      },
    });
    let collected: string[] = [];
    const report = op({ name: "report", ins: { scores: In<string[]>() }, compute: ({ ins }) => void (collected = ins.scores) });
    const fanout = job({ name: "fanout", graph: () => report(regions().map((n) => score(n)).collect()) });
    const instance = memoryStorage();
    const result = await runJob(defineDefinitions({ jobs: [fanout] }), "fanout", { instance, executor: inProcessExecutor({ maxConcurrency: 5 }) });

    expect(result.status).toBe("SUCCESS");
    expect(collected).toEqual(["north:10", "south:20", "east:30", "west:40", "central:50"]);
    expect(peak).toBe(5);
    expect(result.run.stepKeys).toEqual(["regions", "score[?]", "report"]);
    expect(result.stepOutcomes.map((o) => o.stepKey)).toEqual(["regions", ...KEYS.map((k) => `score[${k}]`), "report"]);
    const events = await instance.getEvents(result.runId);
    const started = events.filter((e) => e.type === "STEP_START").map((e) => e.stepKey);
    expect(started.slice(0, 1)).toEqual(["regions"]);
    expect(started.slice(1, 6).sort()).toEqual(KEYS.map((k) => `score[${k}]`).sort());
    expect(started.at(-1)).toBe("report");
    expect(events.find((e) => e.type === "LOG" && e.stepKey === "regions")).toMatchObject({
      message: 'Dynamic output "result" has 5 keys (north, south, east, west, central): added 5 steps.',
    });
    expect(events.filter((e) => e.type === "LOADED_INPUT" && e.stepKey === "report").map((e) => e.type === "LOADED_INPUT" && e.inputName)).toEqual(
      KEYS.map((k) => `scores[${k}]`),
    );
  });

  it("chains mapped ops per key, takes emitDynamic values and a broadcast input, and collects the source directly", async () => {
    const files = op({
      name: "files",
      outs: { paths: dynamicOut<string>() },
      compute: ({ emitDynamic }) => {
        for (const name of ["a", "b", "c"]) emitDynamic(name, `/data/${name}.csv`);
      },
    });
    const prefix = op({ name: "prefix", compute: () => ">" });
    const read = op({ name: "read", ins: { path: In<string>(), p: In<string>() }, compute: ({ ins }) => `${ins.p}${ins.path}` });
    const upper = op({ name: "upper", ins: { text: In<string>() }, compute: ({ ins }) => ins.text.toUpperCase() });
    let mapped: string[] = [];
    let raw: string[] = [];
    const join = op({ name: "join", ins: { texts: In<string[]>(), paths: In<string[]>() }, compute: ({ ins }) => void ((mapped = ins.texts), (raw = ins.paths)) });
    const chained = job({
      name: "chained",
      graph: () => {
        const { paths } = files();
        const p = prefix();
        const texts = paths.map((path) => read({ path, p })).map((t) => upper(t));
        join({ texts: texts.collect(), paths: paths.collect() });
      },
    });
    const result = await runJob(defineDefinitions({ jobs: [chained] }), "chained");
    expect(result.status).toBe("SUCCESS");
    expect(mapped).toEqual([">/DATA/A.CSV", ">/DATA/B.CSV", ">/DATA/C.CSV"]);
    expect(raw).toEqual(["/data/a.csv", "/data/b.csv", "/data/c.csv"]);
    expect(result.stepOutcomes.filter((o) => o.stepKey.startsWith("upper")).map((o) => o.stepKey)).toEqual(["upper[a]", "upper[b]", "upper[c]"]);
  });

  it("skips mapped steps and the collector when no key is emitted, and the run succeeds", async () => {
    const none = op({ name: "none", out: dynamicOut<number>(), compute: () => new Map() });
    const each = op({ name: "each", ins: { n: In<number>() }, compute: ({ ins }) => ins.n });
    const all = op({ name: "all", ins: { ns: In<number[]>() }, compute: ({ ins }) => ins.ns.length });
    const instance = memoryStorage();
    const result = await runJob(defineDefinitions({ jobs: [job({ name: "empty", graph: () => all(none().map(each).collect()) })] }), "empty", { instance });
    expect(result.status).toBe("SUCCESS");
    const skipped = (await instance.getEvents(result.runId)).filter((e) => e.type === "STEP_SKIPPED");
    expect(skipped).toMatchObject([
      { stepKey: "each[?]", reason: 'upstream step "none" produced no keys for dynamic output "result"' },
      { stepKey: "all", reason: 'upstream step "each[?]" was skipped' },
    ]);
  });

  it("fails the run when one mapped step fails, skipping the collector", async () => {
    const nums = op({ name: "nums", out: dynamicOut<number>(), compute: () => new Map([["one", 1], ["two", 2]]) });
    const check = op({
      name: "check",
      ins: { n: In<number>() },
      compute: ({ ins }) => {
        if (ins.n === 2) throw new Error("two is not allowed");
        return ins.n;
      },
    });
    const sum = op({ name: "sum", ins: { ns: In<number[]>() }, compute: ({ ins }) => ins.ns.length });
    const result = await runJob(defineDefinitions({ jobs: [job({ name: "partial", graph: () => sum(nums().map(check).collect()) })] }), "partial");
    expect(result.status).toBe("FAILURE");
    expect(result.stepOutcomes.map((o) => [o.stepKey, o.status])).toEqual([
      ["nums", "success"],
      ["check[one]", "success"],
      ["check[two]", "failure"],
      ["sum", "skipped"],
    ]);
  });

  it("keeps its plan plain data, so it crosses threads", () => {
    const nums = op({ name: "nums", out: dynamicOut<number>(), compute: () => new Map([["a", 1]]) });
    const each = op({ name: "each", ins: { n: In<number>() }, compute: ({ ins }) => ins.n });
    const defined = job({ name: "plain", graph: () => nums().map(each) });
    expect(structuredClone(defined.ops!.steps)).toEqual(defined.ops!.steps);
    expect(defined.ops!.steps[1]).toMatchObject({ key: "each[?]", dynamic: { sourceStepKey: "nums", outputName: "result" } });
  });

  it("refuses bad mapping keys and misuse of dynamic handles", async () => {
    const bad = op({ name: "bad", out: dynamicOut<number>(), compute: () => new Map([["has space", 1]]) });
    const each = op({ name: "each", ins: { n: In<number>() }, compute: ({ ins }) => ins.n });
    const result = await runJob(defineDefinitions({ jobs: [job({ name: "badkeys", graph: () => bad().map(each) })] }), "badkeys");
    expect(result.status).toBe("FAILURE");
    expect(() => job({ name: "direct", graph: () => each(bad() as never) })).toThrow(/Input "n" of op "each" is given the dynamic output "bad.result"; use .map/);
    expect(() => job({ name: "leak", graph: () => each(bad().map(each.alias("inner")) as never) })).toThrow(/dynamic output "inner.result"/);
  });
});
