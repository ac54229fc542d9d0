import { describe, expect, it } from "vitest";
import { asset, defineDefinitions, type PlannedStep } from "@orch/core";
import { concurrencyGate } from "./concurrency-limits.ts";
import { threadsPlugin } from "./plugin.ts";
import { PluginRegistry } from "@orch/core";

const step = (key: string, tags: Record<string, string> = {}): PlannedStep => ({ key, nodeId: key, kind: "asset", deps: [], inputs: [], selectedOutputs: ["result"], tags });

const definitions = defineDefinitions({
  assets: ["p1", "p2", "s1"].map((k) => asset({ key: k, kinds: k.startsWith("p") ? ["polars"] : ["sql"], compute: () => 1 })),
});

describe("concurrencyGate", () => {
  it("admits a tagged step only while fewer than `limit` steps with that tag (and value) run", () => {
    const gate = concurrencyGate({ tagConcurrencyLimits: [{ key: "db", value: "snowflake", limit: 2 }], kindConcurrencyLimits: [] }, definitions)!;
    const a = step("a", { db: "snowflake" });
    const b = step("b", { db: "snowflake" });
    expect(gate(step("c", { db: "snowflake" }), new Set([a]))).toBe(true);
    expect(gate(step("c", { db: "snowflake" }), new Set([a, b]))).toBe(false);
    expect(gate(step("c", { db: "bigquery" }), new Set([a, b]))).toBe(true);
    expect(gate(step("c"), new Set([a, b]))).toBe(true);
  });

  it("limits by asset kind or node kind", () => {
    const gate = concurrencyGate({ tagConcurrencyLimits: [], kindConcurrencyLimits: [{ kind: "polars", limit: 1 }] }, definitions)!;
    expect(gate(step("p2"), new Set([step("p1")]))).toBe(false);
    expect(gate(step("s1"), new Set([step("p1")]))).toBe(true);
    const byNodeKind = concurrencyGate({ tagConcurrencyLimits: [], kindConcurrencyLimits: [{ kind: "asset", limit: 1 }] }, definitions)!;
    expect(byNodeKind(step("s1"), new Set([step("p1")]))).toBe(false);
  });

  it("is absent when no limits are configured", () => {
    expect(concurrencyGate({ tagConcurrencyLimits: [], kindConcurrencyLimits: [] }, definitions)).toBeUndefined();
  });
});

describe("threadsPlugin", () => {
  it("registers the `threads` executor whose config schema validates orch.yaml config", async () => {
    const factory = new PluginRegistry([threadsPlugin]).get("executors", "threads");
    const parsed = factory.config.safeParse({ maxThreads: 2, tagConcurrencyLimits: [{ key: "snowflake", limit: 2 }] });
    expect(parsed.success).toBe(true);
    expect(factory.config.safeParse({ maxThreads: 2, bogus: true }).success).toBe(false);
    const executor = await factory.create(parsed.data, { serializers: undefined as never, baseDir: "/tmp", instanceDir: "/tmp/.orch" });
    expect(executor.name).toBe("threads");
    expect((executor as unknown as { config: { baseDir: string; maxThreads: number } }).config).toMatchObject({ baseDir: "/tmp", maxThreads: 2 });
  });
});
