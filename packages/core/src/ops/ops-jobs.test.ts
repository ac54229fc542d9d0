import { describe, expect, it } from "vitest";
import { z } from "zod";
import { asset } from "../asset.ts";
import { defineDefinitions } from "../definitions.ts";
import type { OrchEvent } from "../events.ts";
import { memoryIOManager } from "../io/memory-io-manager.ts";
import { makeStepLogger } from "../logger.ts";
import { memoryStorage } from "../storage/index.ts";
import { graph, In, job, op, Out, runJob } from "./index.ts";

const stepsWith = (events: readonly OrchEvent[], type: OrchEvent["type"]) => events.filter((e) => e.type === type).map((e) => e.stepKey);

const load = op({ name: "load", compute: () => [3, 1, 2] });
const sort = op({ name: "sort", ins: { rows: In<number[]>() }, compute: ({ ins }) => [...ins.rows].sort() });
const total = op({ name: "total", ins: { rows: In<number[]>() }, compute: ({ ins }) => ins.rows.reduce((a, b) => a + b, 0) });

describe("job() by function call", () => {
  it("runs ops in dependency order as one run with the job's name, storing outputs by run/step/output", async () => {
    const io = memoryIOManager();
    const instance = memoryStorage();
    const etl = job({ name: "etl", graph: () => total(sort(load())) });
    const result = await runJob(defineDefinitions({ jobs: [etl], ioManagers: { io } }), "etl", { instance });
    expect(result.status).toBe("SUCCESS");
    expect(result.run.jobName).toBe("etl");
    expect((await instance.getRun(result.runId))?.jobName).toBe("etl");
    expect(result.run.stepKeys).toEqual(["load", "sort", "total"]);
    const read = (stepKey: string) =>
      io.loadInput({
        runId: "reader",
        stepKey: "reader",
        inputName: "x",
        upstreamOutput: { runId: result.runId, stepKey, outputName: "result", definitionMetadata: {} },
        log: makeStepLogger(() => undefined),
      });
    expect(await read("sort")).toEqual([1, 2, 3]);
    expect(await read("total")).toBe(6);
    const events = await instance.getEvents(result.runId);
    expect(events.find((e) => e.type === "LOADED_INPUT" && e.stepKey === "total")).toMatchObject({ inputName: "rows", upstreamStepKey: "sort" });
  });

  it("invokes one op several times under aliases, by position or by input name", async () => {
    const add = op({ name: "add", ins: { a: In<number>(), b: In<number>({ default: 10 }) }, compute: ({ ins }) => ins.a + ins.b });
    const one = op({ name: "one", compute: () => 1 });
    let seen: number | undefined;
    const report = op({ name: "report", ins: { n: In<number>() }, compute: ({ ins }) => void (seen = ins.n) });
    const sums = job({
      name: "sums",
      graph: () => {
        const x = one();
        const y = add.alias("add_default")(x);
        report(add({ a: x, b: y }));
      },
    });
    const result = await runJob(defineDefinitions({ jobs: [sums] }), "sums");
    expect(result.run.stepKeys).toEqual(["one", "add_default", "add", "report"]);
    expect(seen).toBe(12);
  });

  it("namespaces the steps of nested graphs as outer.inner.op", async () => {
    const double = op({ name: "double", ins: { n: In<number>() }, compute: ({ ins }) => ins.n * 2 });
    const inner = graph({ name: "inner", build: (n: ReturnType<typeof one>) => double(double.alias("first")(n)) });
    const outer = graph({ name: "outer", build: (n: ReturnType<typeof one>) => inner(n) });
    const one = op({ name: "one", compute: () => 1 });
    let result = 0;
    const sink = op({ name: "sink", ins: { n: In<number>() }, compute: ({ ins }) => void (result = ins.n) });
    const nested = job({ name: "nested", graph: () => sink(outer(one())) });
    const run = await runJob(defineDefinitions({ jobs: [nested] }), "nested");
    expect(run.run.stepKeys).toEqual(["one", "outer.inner.first", "outer.inner.double", "sink"]);
    expect(result).toBe(4);
  });

  it("passes validated op config and retries through the step runner", async () => {
    let attempts = 0;
    const fetchPage = op({
      name: "fetch_page",
      config: z.object({ page: z.number().int() }),
      retry: { maxRetries: 2 },
      compute: ({ config, attempt }) => {
        attempts = attempt;
        if (attempt < 3) throw new Error(`flaky attempt ${attempt}`);
        return config.page;
      },
    });
    const defs = defineDefinitions({ jobs: [job({ name: "pages", graph: () => graph({ name: "g", build: () => fetchPage() })() })] });
    const instance = memoryStorage();
    const result = await runJob(defs, "pages", { instance, runConfig: { ops: { "g.fetch_page": { config: { page: 7 } } } } });
    expect(result.status).toBe("SUCCESS");
    expect(attempts).toBe(3);
    expect(stepsWith(await instance.getEvents(result.runId), "STEP_RETRY")).toEqual(["g.fetch_page", "g.fetch_page"]);
    await expect(runJob(defs, "pages", { runConfig: { ops: { "g.fetch_page": { config: { page: "x" } } } } })).rejects.toThrow(/ops\.g\.fetch_page\.config\.page/);
    await expect(runJob(defs, "pages", { runConfig: { ops: { fetch_page: { config: { page: 1 } } } } })).rejects.toThrow(/job "pages" has no op "fetch_page".*Did you mean "g\.fetch_page"/s);
  });

  it("re-executes chosen steps, loading the others' outputs from the parent run", async () => {
    let loads = 0;
    const counted = op({ name: "load", compute: () => (loads++, [5, 4]) });
    const defs = defineDefinitions({ jobs: [job({ name: "etl", graph: () => total(sort(counted())) })] });
    const instance = memoryStorage();
    const io = memoryIOManager();
    const parent = await runJob(defs, "etl", { instance, defaultIOManager: io });
    const child = await runJob(defs, "etl", { instance, defaultIOManager: io, stepKeys: ["total"], parentRunId: parent.runId });
    expect(child.status).toBe("SUCCESS");
    expect(loads).toBe(1);
    expect(child.run).toMatchObject({ jobName: "etl", parentRunId: parent.runId, stepKeys: ["total"] });
    const loaded = (await instance.getEvents(child.runId)).find((e) => e.type === "LOADED_INPUT");
    expect(loaded).toMatchObject({ stepKey: "total", upstreamStepKey: "sort", upstreamRunId: parent.runId });
  });
});

describe("job() by explicit edges and by asset selection", () => {
  it("wires ops from edges", async () => {
    const defs = defineDefinitions({
      jobs: [job({ name: "edged", ops: [load, sort, total.alias("sum")], edges: [{ from: "load.result", to: "sort.rows" }, { from: "sort", to: "sum" }] })],
    });
    const result = await runJob(defs, "edged");
    expect(result.run.stepKeys).toEqual(["load", "sort", "sum"]);
    expect(result.status).toBe("SUCCESS");
  });

  it("materializes the job's asset selection", async () => {
    const a = asset({ key: "a", group: "sales", compute: () => 1 });
    const b = asset({ key: "b", group: "sales", ins: { a }, compute: ({ ins }) => ins.a + 1 });
    const c = asset({ key: "c", group: "other", compute: () => 3 });
    const defs = defineDefinitions({ assets: [a, b, c], jobs: [job({ name: "sales", selection: "group:sales", tags: { team: "rev" } })] });
    const result = await runJob(defs, "sales");
    expect(result.status).toBe("SUCCESS");
    expect(result.run).toMatchObject({ jobName: "sales", selection: "group:sales", tags: { team: "rev" } });
    expect([...result.plan.assetKeys].sort()).toEqual(["a", "b"]);
  });
});

describe("optional outputs", () => {
  it("skips the steps downstream of an output that was not emitted, with the reason, and the run succeeds", async () => {
    const split = op({
      name: "split",
      outs: { good: Out<number[]>(), bad: Out<number[]>({ optional: true }) },
      compute: () => ({ good: [1, 2] }),
    });
    const keep = op({ name: "keep", ins: { rows: In<number[]>() }, compute: ({ ins }) => ins.rows.length });
    const quarantine = op({ name: "quarantine", ins: { rows: In<number[]>() }, compute: ({ ins }) => ins.rows.length });
    const after = op({ name: "after", ins: { n: In<number>() }, compute: ({ ins }) => ins.n });
    const instance = memoryStorage();
    const defs = defineDefinitions({
      jobs: [
        job({
          name: "triage",
          graph: () => {
            const { good, bad } = split();
            keep(good);
            after(quarantine(bad));
          },
        }),
      ],
    });
    const result = await runJob(defs, "triage", { instance });
    expect(result.status).toBe("SUCCESS");
    const skipped = (await instance.getEvents(result.runId)).filter((e) => e.type === "STEP_SKIPPED");
    expect(skipped).toMatchObject([
      { stepKey: "quarantine", reason: 'upstream step "split" did not produce output "bad" (optional)' },
      { stepKey: "after", reason: 'upstream step "quarantine" was skipped' },
    ]);
    expect(result.stepOutcomes.map((o) => [o.stepKey, o.status])).toEqual([
      ["split", "success"],
      ["keep", "success"],
      ["quarantine", "skipped"],
      ["after", "skipped"],
    ]);
  });
});
