import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { asset } from "../asset.ts";
import { defineDefinitions } from "../definitions.ts";
import type { OrchEvent } from "../events.ts";
import { materialize } from "../execution/materialize.ts";
import { multiAsset } from "../multi-asset.ts";
import { dailyPartitions } from "../partitions/index.ts";
import { memoryStorage } from "../storage/index.ts";
import { pipesSubprocess } from "./subprocess.ts";
import type { PipesChannelKind } from "./channel.ts";

// A process speaking the raw protocol (the client libraries are tested in @orch/pipes): what it does is chosen
// by its first argument.
const REPORTER = `
import { readFileSync, appendFileSync } from "node:fs";
import { spawn } from "node:child_process";
const context = JSON.parse(readFileSync(process.env.ORCH_PIPES_CONTEXT, "utf8"));
const send = (method, params) => appendFileSync(process.env.ORCH_PIPES_MESSAGES, JSON.stringify({ protocol: "orch-pipes/1", method, params }) + "\\n");
const scenario = process.argv[2];
if (scenario === "report") {
  console.log("hello on stdout");
  send("log", { level: "info", message: "working on " + context.assetKeys[0], metadata: { step: context.stepKey } });
  send("reportMaterialization", { metadata: { rows: 42, context, tokenLength: (process.env.SECRET_TOKEN ?? "").length }, dataVersion: "v42" });
  send("reportAssetCheck", { checkName: "non_negative", passed: false, severity: "warn", description: "3 negative amounts", metadata: { negatives: 3 } });
  send("closed", {});
} else if (scenario === "malformed") {
  appendFileSync(process.env.ORCH_PIPES_MESSAGES, "this is not json\\n");
  appendFileSync(process.env.ORCH_PIPES_MESSAGES, JSON.stringify({ protocol: "orch-pipes/9", method: "log", params: { level: "info", message: "x" } }) + "\\n");
  send("explode", {});
  send("reportMaterialization", { rows: 1 });
  send("reportMaterialization", { assetKey: "someone/else" });
  send("reportMaterialization", { metadata: { ok: true } });
} else if (scenario === "fail") {
  for (let i = 1; i <= 30; i++) console.error("stderr line " + i);
  send("closed", { error: { name: "ValueError", message: "amount must be positive" } });
  process.exit(3);
} else if (scenario === "hang") {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  send("log", { level: "info", message: "grandchild " + child.pid });
  setInterval(() => {}, 1000);
} else if (scenario === "multi") {
  send("reportMaterialization", { assetKey: "left", metadata: { side: "l" } });
  send("reportMaterialization", { assetKey: "right", metadata: { side: "r" }, dataVersion: "r1" });
  send("reportAssetCheck", { assetKey: "right", checkName: "balanced", passed: true });
}
`;

let script: string;
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), "orch-pipes-test-"));
  script = join(dir, "reporter.mjs");
  writeFileSync(script, REPORTER);
});

const reporterAsset = (scenario: string, channel: PipesChannelKind = "fifo", env: Record<string, string> = {}) =>
  asset({
    key: ["warehouse", "orders"],
    compute: async (context) => {
      const result = await pipesSubprocess(context, { command: process.execPath, args: [script, scenario], env, channel, extras: { source: "s3://bucket/orders" } });
      return result.output(undefined, { metadata: { runner: "node" } });
    },
  });

async function run(definitions: Parameters<typeof materialize>[0], options: Parameters<typeof materialize>[1] = {}) {
  const instance = memoryStorage();
  const result = await materialize(definitions, { instance, ...options });
  return { result, events: await instance.getEvents(result.runId) };
}

/** Whether a process is gone (or a zombie nobody reaped: PID 1 in a container may not), waiting up to 5 s for the signal to land. */
async function exitedOrZombie(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    try {
      const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
      if (state === "Z" || state === "X") return true;
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

const ofType = <T extends OrchEvent["type"]>(events: readonly OrchEvent[], type: T) => events.filter((e): e is Extract<OrchEvent, { type: T }> => e.type === type);

describe("pipesSubprocess", () => {
  it.each(["fifo", "file"] as const)("turns the process's reports into the asset's one materialization, its check and log lines (%s channel)", async (channel) => {
    const { result, events } = await run(defineDefinitions({ assets: [reporterAsset("report", channel)] }));
    expect(result.status).toBe("SUCCESS");
    const materializations = ofType(events, "ASSET_MATERIALIZATION");
    expect(materializations).toHaveLength(1);
    expect(materializations[0]).toMatchObject({ assetKey: ["warehouse", "orders"], dataVersion: "v42", metadata: { rows: 42, runner: "node" } });
    expect(ofType(events, "ASSET_CHECK_EVALUATION")).toEqual([
      expect.objectContaining({ assetKey: ["warehouse", "orders"], checkName: "non_negative", passed: false, severity: "warn", description: "3 negative amounts", metadata: { negatives: 3 } }),
    ]);
    const logs = ofType(events, "LOG");
    expect(logs).toContainEqual(expect.objectContaining({ level: "info", message: "working on warehouse/orders", metadata: { step: "warehouse/orders" } }));
    expect(logs).toContainEqual(expect.objectContaining({ level: "info", message: "hello on stdout", metadata: { "pipes/stream": "stdout" } }));
  });

  it("passes run id, step key, asset keys, partition, time window, config and extras in the context file", async () => {
    const partitioned = asset({
      key: "daily",
      partitions: dailyPartitions({ start: "2024-01-01", end: "2024-01-10" }),
      config: z.object({ region: z.string() }),
      compute: async (context) => (await pipesSubprocess(context, { command: process.execPath, args: [script, "report"], extras: { table: "t" } })).output(),
    });
    const { result, events } = await run(defineDefinitions({ assets: [partitioned] }), { partitionKey: "2024-01-03", runConfig: { assets: { daily: { config: { region: "eu" } } } } });
    expect(result.status).toBe("SUCCESS");
    const context = (ofType(events, "ASSET_MATERIALIZATION")[0]!.metadata as { context: Record<string, unknown> }).context;
    expect(context).toEqual({
      protocol: "orch-pipes/1",
      runId: result.runId,
      stepKey: "daily",
      attempt: 1,
      assetKeys: ["daily"],
      partitionKey: "2024-01-03",
      timeWindow: { start: "2024-01-03T00:00:00Z", end: "2024-01-04T00:00:00Z" },
      config: { region: "eu" },
      extras: { table: "t" },
    });
  });

  it("refuses malformed messages with a warning naming the line, and the step still succeeds", async () => {
    const { result, events } = await run(defineDefinitions({ assets: [reporterAsset("malformed")] }));
    expect(result.status).toBe("SUCCESS");
    const warnings = ofType(events, "LOG").filter((e) => e.level === "warn").map((e) => e.message);
    expect(warnings).toEqual([
      expect.stringMatching(/^Pipes message on line 1 refused: not JSON .*The line: this is not json$/),
      expect.stringContaining('line 2 refused: protocol "orch-pipes/9" is not supported; supported: orch-pipes/1'),
      expect.stringContaining('line 3 refused: unknown method "explode"; methods are log, reportMaterialization, reportAssetCheck, closed'),
      expect.stringContaining("line 4 refused: bad reportMaterialization message"),
      expect.stringContaining('line 5 refused: asset "someone/else" is not computed by this step (warehouse/orders)'),
    ]);
    expect(ofType(events, "ASSET_MATERIALIZATION")).toEqual([expect.objectContaining({ metadata: { runner: "node", ok: true } })]);
  });

  it("fails the step on a non-zero exit, naming the asset, the exit code, the reported error and the last stderr lines", async () => {
    const { result, events } = await run(defineDefinitions({ assets: [reporterAsset("fail")] }));
    expect(result.status).toBe("FAILURE");
    const failure = ofType(events, "STEP_FAILURE")[0]!;
    expect(failure.error.code).toBe("PIPES_PROCESS_FAILED");
    expect(failure.error.message).toMatch(/^\[orch\] asset "warehouse\/orders": .*reporter\.mjs fail exited with code 3; it reported ValueError: amount must be positive; last stderr lines:\nstderr line 11\n/);
    expect(failure.error.message).toContain("stderr line 30");
    expect(failure.error.message).not.toContain("stderr line 10\n");
    expect(ofType(events, "ASSET_MATERIALIZATION")).toHaveLength(0);
  });

  it("names the asset and the command when the executable is missing", async () => {
    const missing = asset({ key: "m", compute: async (context) => (await pipesSubprocess(context, { command: "/nonexistent/bin/tool", args: ["--x"] })).output() });
    const { events } = await run(defineDefinitions({ assets: [missing] }));
    expect(ofType(events, "STEP_FAILURE")[0]!.error).toMatchObject({ code: "PIPES_SPAWN_FAILED", message: expect.stringContaining('asset "m": could not start /nonexistent/bin/tool: spawn /nonexistent/bin/tool ENOENT') });
  });

  it("names the asset when the Pipes directory cannot be created", async () => {
    const misplaced = asset({ key: "m", compute: async (context) => (await pipesSubprocess(context, { command: process.execPath, args: [script, "report"], dir: "/nonexistent/pipes" })).output() });
    const { events } = await run(defineDefinitions({ assets: [misplaced] }));
    expect(ofType(events, "STEP_FAILURE")[0]!.error).toMatchObject({ code: "PIPES_SETUP_FAILED", message: expect.stringContaining('asset "m": could not create the Pipes directory under /nonexistent/pipes: ENOENT') });
  });

  it("never logs the environment it passes", async () => {
    const secret = "tok_live_5f1e2d3c4b5a";
    const { result, events } = await run(defineDefinitions({ assets: [reporterAsset("report", "fifo", { SECRET_TOKEN: secret })] }));
    expect(result.status).toBe("SUCCESS");
    expect(ofType(events, "ASSET_MATERIALIZATION")[0]!.metadata).toMatchObject({ tokenLength: secret.length });
    expect(JSON.stringify(events)).not.toContain(secret);
  });

  it("kills the whole process group when the run is canceled", async () => {
    const controller = new AbortController();
    let grandchild = 0;
    const hanging = asset({
      key: "hanging",
      compute: async (context) => {
        const log = { ...context.log, info: (message: string, metadata?: never) => {
          const found = /^grandchild (\d+)$/.exec(message);
          if (found) {
            grandchild = Number(found[1]);
            controller.abort();
          }
          context.log.info(message, metadata);
        } };
        return (await pipesSubprocess({ ...context, log }, { command: process.execPath, args: [script, "hang"], killGraceMs: 500 })).output();
      },
    });
    const { result, events } = await run(defineDefinitions({ assets: [hanging] }), { signal: controller.signal });
    expect(result.status).toBe("CANCELED");
    expect(grandchild).toBeGreaterThan(0);
    expect(await exitedOrZombie(grandchild)).toBe(true);
    expect(ofType(events, "STEP_FAILURE")[0]!.error.message).toMatch(/asset "hanging": canceled; process group \d+ of node killed/);
  });

  it("serves a multi-asset: one output per asset key, with its own checks", async () => {
    const split = multiAsset({
      name: "split",
      outs: { left: { key: "left" }, right: { key: "right" } },
      compute: async (context) => {
        const result = await pipesSubprocess(context, { command: process.execPath, args: [script, "multi"], assetKeys: ["left", "right"] });
        return { left: result.output(null, { assetKey: "left" }), right: result.output(null, { assetKey: "right" }) };
      },
    });
    const { result, events } = await run(defineDefinitions({ assets: [split] }));
    expect(result.status).toBe("SUCCESS");
    expect(ofType(events, "ASSET_MATERIALIZATION").map((e) => [e.assetKey, e.metadata, e.dataVersion])).toEqual([
      [["left"], { side: "l" }, undefined],
      [["right"], { side: "r" }, "r1"],
    ]);
    expect(ofType(events, "ASSET_CHECK_EVALUATION")).toEqual([expect.objectContaining({ assetKey: ["right"], checkName: "balanced", passed: true })]);
  });
});
