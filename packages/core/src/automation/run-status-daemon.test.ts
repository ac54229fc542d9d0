import { describe, expect, it } from "vitest";
import { asset } from "../asset.ts";
import { manualClock } from "../daemon/clock.ts";
import { Daemon } from "../daemon/daemon.ts";
import { defineDefinitions } from "../definitions.ts";
import { materialize } from "../execution/materialize.ts";
import { inProcessLauncher } from "../queue/in-process-launcher.ts";
import { memoryStorage } from "../storage/index.ts";
import { runStatusSensor } from "./run-status-sensor.ts";

// The run-status sensor's promise, end to end through the daemon: each finished run is handled once, even when a
// handler fails on a later run of the same tick and across a restarted daemon.
describe("runStatusSensor under the daemon", () => {
  it("handles each failed run once: a failing handler retries only the run it failed on", async () => {
    const handled: string[] = [];
    let slackDown = true;
    const onFailure = runStatusSensor({
      name: "on_failure",
      status: "FAILURE",
      defaultStatus: "running",
      handler: ({ run }) => {
        handled.push(run.runId);
        if (run.runId === "second" && slackDown) throw new Error("slack down");
      },
    });
    const broken = asset({ key: "broken", compute: () => { throw new Error("boom"); } });
    const definitions = defineDefinitions({ assets: [broken], sensors: [onFailure] });
    const instance = memoryStorage();
    const clock = manualClock(Date.parse("2024-03-10T00:00:00Z"));
    const daemon = () => new Daemon({ definitions, instance, launcher: inProcessLauncher(definitions, instance), clock, loops: ["sensors"], identity: { pid: 1, host: "test" } });

    await daemon().runOnce(); // first tick: starts at the end of the log
    await materialize(definitions, { instance, runId: "first" });
    await materialize(definitions, { instance, runId: "second" });
    clock.advance(10_000);
    await daemon().runOnce();
    expect(handled).toEqual(["first", "second"]);
    expect((await instance.getTicks("on_failure", { limit: 1 }))[0]).toMatchObject({ status: "failure", error: { message: "slack down" } });

    slackDown = false;
    clock.advance(10_000);
    await daemon().runOnce(); // a fresh daemon, as after a restart
    clock.advance(10_000);
    await daemon().runOnce();
    expect(handled).toEqual(["first", "second", "second"]);
  });
});
