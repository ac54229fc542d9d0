import { describe, expect, it } from "vitest";
import type { RunRecord } from "../run-record.ts";
import { dequeueOrder, planDequeue } from "./queue-limits.ts";

const run = (runId: string, tags: Record<string, string> = {}): RunRecord => ({
  runId,
  status: "QUEUED",
  assetKeys: [],
  stepKeys: [],
  tags,
  runConfig: {},
  createdAt: 1,
});

describe("planDequeue", () => {
  it("orders by orch/priority (higher first), then first in, first out", () => {
    const order = dequeueOrder([run("a"), run("b", { "orch/priority": "5" }), run("c", { "orch/priority": "-1" }), run("d", { "orch/priority": "5" })]);
    expect(order.map((r) => r.runId)).toEqual(["b", "d", "a", "c"]);
  });

  it("starts up to maxConcurrentRuns and says why the rest wait", () => {
    const plan = planDequeue([run("q1"), run("q2"), run("q3")], [run("busy")], { maxConcurrentRuns: 2 });
    expect(plan.launch.map((r) => r.runId)).toEqual(["q1"]);
    expect(plan.waiting.get("q2")).toBe("maxConcurrentRuns: 2 of 2 runs in progress");
  });

  it("never lets a run blocked by a tag limit hold back runs the limit does not cover", () => {
    const snowflake = { database: "snowflake" };
    const inProgress = [run("s1", snowflake), run("s2", snowflake), run("s3", snowflake)];
    const plan = planDequeue([run("s4", snowflake), run("pg", { database: "postgres" }), run("plain")], inProgress, {
      tagConcurrencyLimits: [{ key: "database", value: "snowflake", limit: 3 }],
    });
    expect(plan.launch.map((r) => r.runId)).toEqual(["pg", "plain"]);
    expect(plan.waiting.get("s4")).toBe("tag database=snowflake: 3 of 3 slots taken");
  });

  it("counts queued runs it starts against the limits, per unique value when asked", () => {
    const plan = planDequeue([run("a1", { team: "a" }), run("a2", { team: "a" }), run("b1", { team: "b" })], [], {
      tagConcurrencyLimits: [{ key: "team", limit: 1, perUniqueValue: true }],
    });
    expect(plan.launch.map((r) => r.runId)).toEqual(["a1", "b1"]);
    expect(plan.waiting.get("a2")).toBe("tag team=a: 1 of 1 slots taken");
    const shared = planDequeue([run("a1", { team: "a" }), run("b1", { team: "b" })], [], { tagConcurrencyLimits: [{ key: "team", limit: 1 }] });
    expect(shared.launch.map((r) => r.runId)).toEqual(["a1"]);
    expect(shared.waiting.get("b1")).toBe("tag team (any value): 1 of 1 slots taken");
  });
});
