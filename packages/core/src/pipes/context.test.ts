import { describe, expect, it } from "vitest";
import { makeStepLogger } from "../logger.ts";
import { pipesContextData, pipesSubjectOf, type PipesStepContext } from "./context.ts";

const base: PipesStepContext = { runId: "r1", stepKey: "daily", attempt: 2, config: undefined, log: makeStepLogger(() => undefined), signal: new AbortController().signal };

describe("the Pipes context", () => {
  it("describes a range step by its first and last keys, every key and the whole time window", () => {
    const data = pipesContextData(
      { ...base, assetKey: ["lake", "daily"], partitionKeys: ["2024-01-01", "2024-01-02", "2024-01-03"], timeWindow: { start: "2024-01-01T00:00:00Z", end: "2024-01-04T00:00:00Z" } },
      [["lake", "daily"]],
      {},
    );
    expect(data).toEqual({
      protocol: "orch-pipes/1",
      runId: "r1",
      stepKey: "daily",
      attempt: 2,
      assetKeys: ["lake/daily"],
      partitionKeyRange: { start: "2024-01-01", end: "2024-01-03" },
      partitionKeys: ["2024-01-01", "2024-01-02", "2024-01-03"],
      timeWindow: { start: "2024-01-01T00:00:00Z", end: "2024-01-04T00:00:00Z" },
      config: null,
      extras: {},
    });
  });

  it("names the asset, the assets or the step in messages", () => {
    expect(pipesSubjectOf({ ...base, assetKey: ["a", "b"] })).toBe('asset "a/b"');
    expect(pipesSubjectOf(base, ["x", ["y", "z"]])).toBe('assets "x", "y/z"');
    expect(pipesSubjectOf(base)).toBe('step "daily"');
  });
});
