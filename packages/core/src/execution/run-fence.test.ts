import { describe, expect, it } from "vitest";
import { asset } from "../asset.ts";
import { defineDefinitions } from "../definitions.ts";
import type { OrchEvent } from "../events.ts";
import { memoryIOManager } from "../io/memory-io-manager.ts";
import { memoryStorage } from "../storage/index.ts";
import { materialize } from "./materialize.ts";

describe("a run another process ended (the fence)", () => {
  it("writes nothing after its end and stops: no STEP_SUCCESS after the STEP_FAILURE, no RUN_SUCCESS after the RUN_FAILURE", async () => {
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const computed: string[] = [];
    const slow = asset({
      key: "slow",
      compute: async () => {
        entered();
        await new Promise<void>((resolve) => (release = resolve));
        computed.push("slow");
        return 1;
      },
    });
    const next = asset({ key: "next", ins: { slow }, compute: () => void computed.push("next") });
    const instance = memoryStorage();
    const heard: OrchEvent[] = [];
    const running = materialize(defineDefinitions({ assets: [slow, next], ioManagers: { io: memoryIOManager() } }), {
      instance,
      loggers: [{ name: "all", level: "debug", handle: (e) => void heard.push(e) }],
    });
    await inside;
    // Another process took the worker for dead and closed the run, as crash detection does.
    const [runRecord] = await instance.listRuns();
    const runId = runRecord!.runId;
    await instance.appendEvents([
      { runId, timestamp: Date.now(), stepKey: "slow", type: "STEP_FAILURE", durationMs: 1, attempt: 1, error: { name: "OrchError", message: "crashed" } },
      { runId, timestamp: Date.now(), type: "RUN_FAILURE", durationMs: 1, reason: "run worker exited unexpectedly", failedSteps: ["slow"] },
    ]);
    await instance.updateRun(runId, { status: "FAILURE", statusReason: "run worker exited unexpectedly" });
    release();

    const result = await running;
    expect(result.status).toBe("FAILURE");
    expect(result.run).toMatchObject({ status: "FAILURE", statusReason: "run worker exited unexpectedly" });
    expect(computed).toEqual(["slow"]);
    const types = (await instance.getEvents(runId)).map((e) => e.type);
    expect(types.slice(-2)).toEqual(["STEP_FAILURE", "RUN_FAILURE"]);
    expect(types.filter((t) => t === "RUN_FAILURE" || t === "RUN_SUCCESS" || t === "RUN_CANCELED")).toEqual(["RUN_FAILURE"]);
    expect(heard.map((e) => e.type)).not.toContain("RUN_SUCCESS");
    expect((await instance.getRun(runId))?.status).toBe("FAILURE");
  });
});
