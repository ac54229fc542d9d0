import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { asset } from "../asset.ts";
import { defineDefinitions } from "../definitions.ts";
import { materialize } from "../execution/materialize.ts";
import { consoleLogger, defaultConsoleMode, type ConsoleStream } from "./console-logger.ts";

function sink(isTTY = false): ConsoleStream & { text: () => string } {
  const chunks: string[] = [];
  return { isTTY, write: (c: string) => chunks.push(c), text: () => chunks.join("") };
}

const raw = asset({ key: ["raw", "orders"], compute: ({ log }) => (log.info("fetched 3 orders"), [1, 2, 3]) });
const total = asset({ key: "total", ins: { raw }, compute: ({ ins }) => (ins.raw as number[]).reduce((a, b) => a + b, 0) });
const broken = asset({
  key: "broken",
  ins: { total },
  compute: () => {
    throw new Error("boom");
  },
});
const defs = defineDefinitions({ assets: [raw, total, broken] });

describe("consoleLogger", () => {
  beforeEach(() => {
    // Freeze the clock so timestamps and durations in the output are exact.
    vi.useFakeTimers({ toFake: ["Date", "performance"], now: Date.UTC(2026, 0, 2, 3, 4, 5) });
  });
  afterEach(() => vi.useRealTimers());

  it("plain mode prints timestamped lines without ANSI", async () => {
    const out = sink();
    await materialize(defs, { runId: "run-1", loggers: [consoleLogger({ mode: "plain", stream: out })] });
    const t = "2026-01-02T03:04:05.000Z";
    expect(out.text()).toBe(
      [
        `${t}  run run-1 started: 3 steps`,
        `${t}  raw/orders  started`,
        `${t}  raw/orders  INFO fetched 3 orders`,
        `${t}  raw/orders  materialized raw/orders`,
        `${t}  raw/orders  succeeded in 0ms`,
        `${t}  total  started`,
        `${t}  total  materialized total`,
        `${t}  total  succeeded in 0ms`,
        `${t}  broken  started`,
        `${t}  broken  failed after 0ms: Error: boom`,
        `${t}  run run-1 failed after 0ms: 1 step failed: broken`,
        "",
      ].join("\n"),
    );
  });

  it("json mode prints one event per line, as stored", async () => {
    const out = sink();
    await materialize(defineDefinitions({ assets: [raw] }), { runId: "run-2", loggers: [consoleLogger({ mode: "json", stream: out })] });
    const lines = out.text().trimEnd().split("\n");
    const events = lines.map((l) => JSON.parse(l) as { type: string });
    expect(events.map((e) => e.type)).toEqual(["RUN_START", "STEP_START", "LOG", "HANDLED_OUTPUT", "ASSET_MATERIALIZATION", "STEP_SUCCESS", "RUN_SUCCESS"]);
    expect(lines[0]).toBe(JSON.stringify({ runId: "run-2", timestamp: Date.UTC(2026, 0, 2, 3, 4, 5), type: "RUN_START", stepKeys: ["raw/orders"] }));
  });

  it("pretty mode draws a step tree and leaves the final tree on screen", async () => {
    const out = sink(true);
    await materialize(defs, { runId: "run-3", loggers: [consoleLogger({ mode: "pretty", stream: out, env: {} })] });
    const plain = out.text().replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
    const finalTree = ["run run-3  3/3 steps  0ms", "├─ ✓ raw/orders  0ms", "├─ ✓ total  0ms", "└─ ✗ broken  0ms"].join("\n");
    expect(plain).toContain(`${finalTree}\nrun run-3 failed after 0ms: 1 step failed: broken\n`);
    expect(plain).toContain("raw/orders  INFO fetched 3 orders");
    // Redrawn in place: the tree is erased (cursor up + clear) before each new line.
    expect(out.text()).toMatch(/\x1b\[\d+A\x1b\[0J/);
    expect(out.text()).toContain("\x1b[32m├─ ✓ total  0ms"); // succeeded steps in green
    expect(out.text()).toContain("\x1b[31m└─ ✗ broken  0ms"); // failed in red
  });

  it("defaults to pretty only on a TTY outside CI", () => {
    expect(defaultConsoleMode({ write: () => true, isTTY: true }, {})).toBe("pretty");
    expect(defaultConsoleMode({ write: () => true, isTTY: true }, { CI: "true" })).toBe("plain");
    expect(defaultConsoleMode({ write: () => true, isTTY: false }, {})).toBe("plain");
  });
});
