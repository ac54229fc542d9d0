import { describe, expect, it } from "vitest";
import { assertBound, defineDefinitions } from "../definitions.ts";
import { dynamicOut, graph, In, job, op, runJob } from "./index.ts";
import { refusal } from "../refusal.test-support.ts";

const load = op({ name: "load", compute: () => 1 });
const clean = op({ name: "clean", ins: { raw: In<number>() }, compute: ({ ins }) => ins.raw });
const merge = op({ name: "merge", ins: { left: In<number>(), right: In<number>() }, compute: ({ ins }) => ins.left + ins.right });

describe("job refusals", () => {
  it("refuses an unknown job, suggesting close names", async () => {
    const defs = defineDefinitions({ jobs: [job({ name: "daily_etl", graph: () => clean(load()) })] });
    await expect(runJob(defs, "daily_etI")).rejects.toThrow('Unknown job "daily_etI". Jobs: daily_etl. Did you mean "daily_etl"?');
  });

  it("refuses edges naming an unknown op, output or input", () => {
    expect(refusal(() => job({ name: "j", ops: [load, clean], edges: [{ from: "lod.result", to: "clean.raw" }] })).message).toContain(
      'Edge "lod.result → clean.raw" in job "j" names op "lod", which is not in the job. Ops: load, clean. Did you mean "load"?',
    );
    expect(refusal(() => job({ name: "j", ops: [load, clean], edges: [{ from: "load.rows", to: "clean.raw" }] })).message).toContain(
      'Edge "load.rows → clean.raw" in job "j" names output "rows" of op "load", which does not exist. Outputs: result.',
    );
    expect(refusal(() => job({ name: "j", ops: [load, clean], edges: [{ from: "load", to: "clean.rw" }] })).message).toContain(
      'names input "rw" of op "clean", which does not exist. Inputs: raw. Did you mean "raw"?',
    );
  });

  it("refuses an input left unconnected without a default", () => {
    const r = refusal(() => job({ name: "j", graph: () => merge({ left: load() }) }));
    expect(r.message).toContain('Input "right" of op "merge" in job "j" is not connected and has no default.');
    expect(refusal(() => job({ name: "e", ops: [load, clean] })).message).toContain('Input "raw" of op "clean" in job "e" is not connected');
  });

  it("refuses a cycle among ops and prints it", () => {
    const r = refusal(() =>
      job({
        name: "loop",
        ops: [load, clean, merge],
        edges: [
          { from: "load", to: "merge.left" },
          { from: "merge", to: "clean" },
          { from: "clean", to: "merge.right" },
        ],
      }),
    );
    expect(r.code).toBe("DEPENDENCY_CYCLE");
    expect(r.message).toContain('Ops in job "loop" form a cycle: merge → clean → merge. Remove one of these edges.');
  });

  it("refuses duplicate op names in one job, by call, by alias and by list", () => {
    expect(refusal(() => job({ name: "twice", graph: () => [clean(load()), clean(load.alias("load2")())] })).message).toContain(
      'Job "twice" invokes op "clean" twice. Give each invocation its own name with .alias("...").',
    );
    expect(refusal(() => job({ name: "aliased", graph: () => [load.alias("x")(), clean.alias("x")(load())] })).message).toContain('invokes op "x" twice');
    expect(refusal(() => job({ name: "listed", ops: [load, load] })).message).toContain('Job "listed" lists op "load" twice');
    const sub = graph({ name: "sub", build: () => clean(load()) });
    expect(() => job({ name: "graphs", graph: () => [sub(), sub.alias("sub2")()] })).not.toThrow();
  });

  it("refuses an op whose resource is not provided, naming the op and its job", () => {
    const query = op({ name: "query", resources: ["warehouse"], compute: ({ resources }) => resources.warehouse });
    const r = refusal(() => assertBound(defineDefinitions({ resources: { wharehouse: {} }, jobs: [job({ name: "nightly", graph: () => query() })] })));
    expect(r.code).toBe("MISSING_RESOURCE");
    expect(r.message).toContain('Op "query" in job "nightly" requires resource "warehouse", which is not provided. Provided resources: wharehouse. Did you mean "wharehouse"?');
  });

  it("refuses a job whose asset selection names an unknown asset, and ops called outside a builder", () => {
    expect(() => defineDefinitions({ jobs: [job({ name: "sales", selection: "missing_asset" })] })).toThrow(/Job "sales" selects "missing_asset"/);
    expect(() => load()).toThrow('Op "load" was called outside a job or graph builder');
    expect(() => op({ name: "bad name", compute: () => 1 })).toThrow('Op name "bad name" is not valid');
  });

  it("refuses a mapped op's output used outside its .map() without .collect()", () => {
    const parts = op({ name: "parts", out: dynamicOut<number>(), compute: () => new Map([["a", 1]]) });
    const r = refusal(() =>
      job({
        name: "leaky",
        graph: () => {
          let inner: ReturnType<typeof clean> | undefined;
          parts().map((n) => (inner = clean(n)));
          merge({ left: load(), right: inner! });
        },
      }),
    );
    expect(r.message).toContain('Input "right" of op "merge" reads "clean.result", which exists once per key of "parts.result"; use it inside that .map() or call .collect().');
  });
});
