import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as core from "@orch/core";
import { asset, defineDefinitions, materialize, memoryStorage, pipesSubprocess, type OrchEvent } from "@orch/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as client from "./index.ts";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const PYTHON_DIR = join(root, "python");
const clients = {
  typescript: { command: process.execPath, args: ["--conditions=@orch/source", join(root, "test", "ts-reporter.ts")], env: {} },
  python: { command: "python3", args: [join(root, "test", "python_reporter.py")], env: { PYTHONPATH: PYTHON_DIR } },
} as const;

async function runClient(which: keyof typeof clients, mode: string) {
  const spec = clients[which];
  const reporting = asset({
    key: ["lake", "orders"],
    config: z.object({ region: z.string() }),
    compute: async (context) => {
      const result = await pipesSubprocess(context, { command: spec.command, args: [...spec.args, mode], env: spec.env, extras: { table: "orders" } });
      return result.output();
    },
  });
  const instance = memoryStorage();
  const result = await materialize(defineDefinitions({ assets: [reporting] }), { instance, runConfig: { assets: { "lake/orders": { config: { region: "eu" } } } } });
  return { status: result.status, events: await instance.getEvents(result.runId) };
}

const ofType = <T extends OrchEvent["type"]>(events: readonly OrchEvent[], type: T) => events.filter((e): e is Extract<OrchEvent, { type: T }> => e.type === type);

describe("Pipes clients, end to end through pipesSubprocess", () => {
  it("the TypeScript client reports logs, the materialization (metadata, data version) and a check", async () => {
    const { status, events } = await runClient("typescript", "ok");
    expect(status).toBe("SUCCESS");
    expect(ofType(events, "ASSET_MATERIALIZATION")).toEqual([
      expect.objectContaining({ assetKey: ["lake", "orders"], dataVersion: "ts-7", metadata: { rows: 7, region: "eu", extras: { table: "orders" } } }),
    ]);
    expect(ofType(events, "ASSET_CHECK_EVALUATION")).toEqual([expect.objectContaining({ checkName: "row_count_positive", passed: true, severity: "error", metadata: { rows: 7 } })]);
    const logs = ofType(events, "LOG").map((e) => [e.level, e.message]);
    expect(logs).toContainEqual(["info", "computing lake/orders for all"]);
    expect(logs).toContainEqual(["debug", "debug detail"]);
  });

  it("the Python client reports the same, and its prints arrive as stdout log lines", async () => {
    const { status, events } = await runClient("python", "ok");
    expect(status).toBe("SUCCESS");
    expect(ofType(events, "ASSET_MATERIALIZATION")).toEqual([
      expect.objectContaining({ assetKey: ["lake", "orders"], dataVersion: "py-3", metadata: { rows: 3, region: "eu", extras: { table: "orders" } } }),
    ]);
    expect(ofType(events, "ASSET_CHECK_EVALUATION")).toEqual([
      expect.objectContaining({ checkName: "row_count_positive", passed: false, severity: "warn", description: "only 3 rows", metadata: { rows: 3 } }),
    ]);
    const logs = ofType(events, "LOG");
    expect(logs).toContainEqual(expect.objectContaining({ level: "warn", message: "a warning from python" }));
    expect(logs).toContainEqual(expect.objectContaining({ level: "info", message: "plain stdout from python", metadata: { "pipes/stream": "stdout" } }));
  });

  it.each([
    ["typescript", "RangeError: amount must be positive"],
    ["python", "ValueError: amount must be positive"],
  ] as const)("a %s process that raises fails the step with its error", async (which, reported) => {
    const { status, events } = await runClient(which, "fail");
    expect(status).toBe("FAILURE");
    const failure = ofType(events, "STEP_FAILURE")[0]!;
    expect(failure.error.code).toBe("PIPES_PROCESS_FAILED");
    expect(failure.error.message).toContain(`asset "lake/orders"`);
    expect(failure.error.message).toContain(`it reported ${reported}`);
    expect(ofType(events, "ASSET_MATERIALIZATION")).toHaveLength(0);
  });
});

describe("Pipes clients refuse what they cannot serve", () => {
  const contextWith = (protocol: string) => {
    const dir = mkdtempSync(join(tmpdir(), "orch-pipes-client-"));
    writeFileSync(join(dir, "context.json"), JSON.stringify({ protocol, runId: "r", stepKey: "s", attempt: 1, assetKeys: [], config: null, extras: {} }));
    return { ORCH_PIPES_CONTEXT: join(dir, "context.json"), ORCH_PIPES_MESSAGES: join(dir, "messages.jsonl") };
  };

  it("the TypeScript client names the missing variables and the supported protocol versions", () => {
    expect(() => client.openPipes({})).toThrow("[orch-pipes] ORCH_PIPES_CONTEXT and ORCH_PIPES_MESSAGES not set");
    expect(() => client.openPipes(contextWith("orch-pipes/2"))).toThrow(/speaks "orch-pipes\/2"; this client supports orch-pipes\/1/);
  });

  it("the Python client names the supported protocol versions", () => {
    const out = spawnSync("python3", ["-c", "import orch_pipes; orch_pipes.open_pipes()"], { env: { ...contextWith("orch-pipes/2"), PYTHONPATH: PYTHON_DIR }, encoding: "utf8" });
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/PipesError: \[orch-pipes\] the Pipes context .* speaks "orch-pipes\/2"; this client supports orch-pipes\/1/);
  });

  it("speaks the protocol version and variables @orch/core reads", () => {
    expect([client.PIPES_PROTOCOL, client.PIPES_CONTEXT_ENV, client.PIPES_MESSAGES_ENV, client.SUPPORTED_PIPES_PROTOCOLS]).toEqual([
      core.PIPES_PROTOCOL,
      core.PIPES_CONTEXT_ENV,
      core.PIPES_MESSAGES_ENV,
      core.SUPPORTED_PIPES_PROTOCOLS,
    ]);
    const python = spawnSync("python3", ["-c", "import orch_pipes as p, json; print(json.dumps([p.PIPES_PROTOCOL, p.PIPES_CONTEXT_ENV, p.PIPES_MESSAGES_ENV, list(p.SUPPORTED_PIPES_PROTOCOLS)]))"], {
      env: { PYTHONPATH: PYTHON_DIR },
      encoding: "utf8",
    });
    expect(JSON.parse(python.stdout)).toEqual([core.PIPES_PROTOCOL, core.PIPES_CONTEXT_ENV, core.PIPES_MESSAGES_ENV, core.SUPPORTED_PIPES_PROTOCOLS]);
  });
});
