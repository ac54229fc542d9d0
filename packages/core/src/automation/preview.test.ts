import { describe, expect, it } from "vitest";
import { memoryStorage } from "../storage/index.ts";
import { project } from "./automation.test-support.ts";
import { previewSchedule, previewSensor } from "./preview.ts";
import { schedule } from "./schedule.ts";
import { sensor } from "./sensor.ts";

describe("preview", () => {
  it("evaluates the schedule tick due at or after a time, launching nothing", async () => {
    const instance = memoryStorage();
    const definitions = project({ schedules: [schedule({ name: "marts", cron: "0 1 * * *", timezone: "Europe/Paris", target: "marts/*" })] });
    const preview = await previewSchedule(definitions, "marts", { instance, at: Date.parse("2024-05-01T12:00:00Z") });
    expect(preview.scheduledTime).toBe(Date.parse("2024-05-01T23:00:00Z"));
    expect(preview.runRequests.map((r) => r.partitionKey)).toEqual(["2024-05-01"]);
    const exact = await previewSchedule(definitions, "marts", { instance, at: Date.parse("2024-05-01T23:00:00Z") });
    expect(exact.scheduledTime).toBe(Date.parse("2024-05-01T23:00:00Z"));
    expect(await instance.listRuns()).toEqual([]);
  });

  it("evaluates a sensor from a given cursor without committing it", async () => {
    const counter = sensor({ name: "counter", target: "report", evaluate: (ctx) => ({ cursor: String(Number(ctx.cursor ?? 0) + 1), runRequests: [{ runKey: `n${ctx.cursor}` }] }) });
    const definitions = project({ sensors: [counter] });
    const instance = memoryStorage();
    const preview = await previewSensor(definitions, "counter", { instance, cursor: "9" });
    expect(preview).toMatchObject({ cursor: "10", runRequests: [{ runKey: "n9" }] });
    await expect(previewSensor(definitions, "countr", { instance })).rejects.toThrow('Unknown sensor "countr". Sensors: counter. Did you mean "counter"?');
  });
});
