import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Definitions } from "../definitions.ts";
import type { OrchEventType, StoredEvent } from "../events.ts";
import type { Executor } from "../executor.ts";
import { memoryIOManager } from "../io/memory-io-manager.ts";
import { materialize } from "../execution/materialize.ts";
import { makeStepLogger } from "../logger.ts";

export interface ExecutorContractOptions {
  /** Called after the suite, e.g. to close a shared pool. */
  readonly teardown?: (executor: Executor) => void | Promise<void>;
}

/** Path of the fixed definitions module every executor runs (executors that use workers load it by path). */
export const CONTRACT_DEFINITIONS_MODULE = fileURLToPath(new URL("./fixtures/contract-definitions.ts", import.meta.url));

const RUN_CONFIG = { assets: { config_echo: { config: { factor: { env: "ORCH_CONTRACT_FACTOR" } } } } };

/** What every executor must report, step by step, for the contract definitions (types in order). */
const EXPECTED_STEP_EVENTS: Record<string, readonly OrchEventType[]> = {
  source: ["STEP_START", "STEP_OUTPUT_TYPE_CHECK", "HANDLED_OUTPUT", "ASSET_MATERIALIZATION", "STEP_SUCCESS"],
  doubled: ["STEP_START", "LOADED_INPUT", "HANDLED_OUTPUT", "ASSET_MATERIALIZATION", "LOG", "HOOK_COMPLETED", "STEP_SUCCESS"],
  summary: ["STEP_START", "LOADED_INPUT", "LOG", "HANDLED_OUTPUT", "ASSET_MATERIALIZATION", "STEP_SUCCESS"],
  left: ["STEP_START", "LOADED_INPUT", "HANDLED_OUTPUT", "ASSET_MATERIALIZATION", "STEP_SUCCESS"],
  right: ["STEP_START", "LOADED_INPUT", "HANDLED_OUTPUT", "ASSET_MATERIALIZATION", "STEP_SUCCESS"],
  flaky: ["STEP_START", "STEP_RETRY", "STEP_START", "HANDLED_OUTPUT", "ASSET_MATERIALIZATION", "STEP_SUCCESS"],
  broken: ["STEP_START", "STEP_FAILURE"],
  after_broken: ["STEP_SKIPPED"],
  config_echo: ["STEP_START", "HANDLED_OUTPUT", "ASSET_MATERIALIZATION", "STEP_SUCCESS"],
};

/** Values the steps must have stored in the run's `io` IO manager (greeting "hello", factor "2"). */
const EXPECTED_VALUES: Record<string, unknown> = { source: 5, doubled: 10, summary: 11, left: 15, right: 25, flaky: 2, config_echo: 6 };

/**
 * The shared suite every executor runs: the same definitions (a chain, a fan-out, a failing step with a skipped
 * downstream, a retried step, a hook, a type check, an env-configured resource set up and torn down) must give
 * the same per-step event sequences, values and run outcome whatever runs the steps.
 */
export function describeExecutorContract(name: string, makeExecutor: () => Executor | Promise<Executor>, options: ExecutorContractOptions = {}): void {
  describe(`${name}: executor contract`, () => {
    let definitions: Definitions;
    let executor: Executor;
    const saved = { greeting: process.env["ORCH_CONTRACT_GREETING"], factor: process.env["ORCH_CONTRACT_FACTOR"] };

    beforeAll(async () => {
      // Set before the executor exists: worker threads copy the environment when they start.
      process.env["ORCH_CONTRACT_GREETING"] = "hello";
      process.env["ORCH_CONTRACT_FACTOR"] = "2";
      definitions = ((await import(CONTRACT_DEFINITIONS_MODULE)) as { default: Definitions }).default;
      executor = await makeExecutor();
    });

    afterAll(async () => {
      await options.teardown?.(executor);
      restoreEnv("ORCH_CONTRACT_GREETING", saved.greeting);
      restoreEnv("ORCH_CONTRACT_FACTOR", saved.factor);
    });

    const run = async (selection?: readonly string[]) => {
      const io = memoryIOManager();
      const result = await materialize(definitions, {
        executor,
        definitionsModule: CONTRACT_DEFINITIONS_MODULE,
        runConfig: RUN_CONFIG,
        defaultIOManager: io,
        ...(selection ? { selection } : {}),
      });
      return { result, io, events: await result.instance.getEvents(result.runId) };
    };

    it("reports the same events for every step, in order, and ends the run FAILURE naming the failed step", async () => {
      const { result, events } = await run();
      expect(stepSequences(events)).toEqual(EXPECTED_STEP_EVENTS);
      expect(events[0]?.type).toBe("RUN_START");
      const ends = events.filter((e) => e.type === "RUN_SUCCESS" || e.type === "RUN_FAILURE" || e.type === "RUN_CANCELED");
      expect(ends.map((e) => e.type)).toEqual(["RUN_FAILURE"]);
      expect(ends[0]).toMatchObject({ failedSteps: ["broken"] });
      expect(result.status).toBe("FAILURE");
      const failure = events.find((e) => e.type === "STEP_FAILURE");
      expect(failure).toMatchObject({ stepKey: "broken", attempt: 1, error: { message: "contract: broken on purpose" } });
      expect(events.find((e) => e.type === "STEP_SKIPPED")).toMatchObject({ reason: 'upstream step "broken" failed' });
      expect(events.find((e) => e.type === "STEP_RETRY")).toMatchObject({ stepKey: "flaky", attempt: 1, error: { message: "contract: flaky fails its first attempt" } });
      expect(events.find((e) => e.type === "HOOK_COMPLETED")).toMatchObject({ stepKey: "doubled", hook: "record_success" });
      expect(events.find((e) => e.type === "STEP_OUTPUT_TYPE_CHECK")).toMatchObject({ stepKey: "source", typeName: "PositiveNumber", success: true });
      expect(result.stepOutcomes.map((o) => [o.stepKey, o.status]).sort()).toEqual(
        Object.keys(EXPECTED_STEP_EVENTS)
          .map((k) => [k, k === "broken" ? "failure" : k === "after_broken" ? "skipped" : "success"])
          .sort(),
      );
    });

    it("stores every step's value in the run's IO manager, with env references resolved", async () => {
      const { io } = await run();
      for (const [key, value] of Object.entries(EXPECTED_VALUES)) {
        const loaded = await io.loadInput({
          runId: "contract",
          stepKey: "reader",
          inputName: key,
          assetKey: [key],
          upstreamOutput: { runId: "contract", stepKey: key, outputName: "result", assetKey: [key], definitionMetadata: {} },
          log: makeStepLogger(() => {}),
        });
        expect([key, loaded]).toEqual([key, value]);
      }
      expect(io.size).toBe(Object.keys(EXPECTED_VALUES).length);
    });

    it("sets up the resource from its env-configured config and tears down every instance it set up", async () => {
      const { events } = await run(["source", "doubled", "summary"]);
      const logs = events.filter((e) => e.type === "LOG" && e.stepKey === undefined).map((e) => (e as { message: string }).message);
      const setups = logs.filter((m) => m === "contract resource: set up").length;
      expect(setups).toBeGreaterThanOrEqual(1);
      expect(logs.filter((m) => m === "contract resource: torn down").length).toBe(setups);
    });

    it("ends a run of only successful steps RUN_SUCCESS with the same step events", async () => {
      const { result, events } = await run(["source", "left", "right"]);
      expect(result.status).toBe("SUCCESS");
      const sequences = stepSequences(events);
      expect(sequences).toEqual({ source: EXPECTED_STEP_EVENTS["source"], left: EXPECTED_STEP_EVENTS["left"], right: EXPECTED_STEP_EVENTS["right"] });
      expect(events.filter((e) => e.type === "RUN_SUCCESS")).toHaveLength(1);
    });
  });
}

/** Each step's event types in log order (run-level events and resource logs, which have no step, are left out). */
function stepSequences(events: readonly StoredEvent[]): Record<string, OrchEventType[]> {
  const out: Record<string, OrchEventType[]> = {};
  for (const event of events) {
    if (event.stepKey === undefined) continue;
    (out[event.stepKey] ??= []).push(event.type);
  }
  return out;
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
