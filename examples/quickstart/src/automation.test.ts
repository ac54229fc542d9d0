import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { evaluateScheduleTick, evaluateSensorTick, materialize, memoryStorage, previewSchedule } from "@orch/core";
import { dailyMarts, inboxSensor } from "./automation.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "orch-quickstart-inbox-"));
  process.env.QUICKSTART_REPORTS_DIR = dir;
});
afterEach(async () => {
  delete process.env.QUICKSTART_REPORTS_DIR;
  await rm(dir, { recursive: true, force: true });
});

async function land(name: string, mtime: string) {
  await writeFile(join(dir, "inbox", name), "{}\n");
  await utimes(join(dir, "inbox", name), new Date(mtime), new Date(mtime));
}

describe("quickstart automation", () => {
  it("the nightly schedule requests the revenue partition the day closed", async () => {
    const { default: definitions } = await import("./definitions.ts");
    const instance = memoryStorage();
    const tick = await evaluateScheduleTick(dailyMarts, { scheduledTime: Date.parse("2024-03-05T01:00:00Z"), instance, definitions });
    expect(tick.runRequests).toEqual([
      {
        runKey: "schedule:daily_marts:2024-03-05T01:00:00.000Z",
        target: { selection: "+marts/daily_revenue" },
        partitionKey: "2024-03-04",
        tags: { team: "analytics", "orch/schedule": "daily_marts", "orch/scheduled-time": "2024-03-05T01:00:00.000Z" },
      },
    ]);
    const preview = await previewSchedule(definitions, "daily_marts", { instance, at: Date.parse("2024-03-03T12:00:00Z") });
    expect(preview.runRequests[0]?.partitionKey).toBe("2024-03-03");
    expect(definitions.sensors.has("inbox_files")).toBe(true);
  });

  it("the inbox sensor requests one run per new file, keyed by the file", async () => {
    const { default: definitions } = await import("./definitions.ts");
    const instance = memoryStorage();
    const sensor = inboxSensor(join(dir, "inbox"));
    const tick = (cursor: string | undefined) => evaluateSensorTick(sensor, { cursor, lastTickAt: undefined, now: Date.now(), instance, definitions });

    expect((await tick(undefined)).skipReason).toContain("does not exist yet");
    await mkdir(join(dir, "inbox"));
    await land("events-0301.ndjson", "2024-03-01T10:00:00Z");
    await land("events-0302.ndjson", "2024-03-02T10:00:00Z");
    const first = await tick(undefined);
    expect(first.runRequests.map((r) => [r.runKey, r.tags["quickstart/file"]])).toEqual([
      [`inbox:events-0301.ndjson:${Date.parse("2024-03-01T10:00:00Z")}`, "events-0301.ndjson"],
      [`inbox:events-0302.ndjson:${Date.parse("2024-03-02T10:00:00Z")}`, "events-0302.ndjson"],
    ]);
    expect((await tick(first.cursor)).skipReason).toMatch(/^no new file in /);

    // A file with the same modification time as the newest one seen is still new.
    await land("events-0302-late.ndjson", "2024-03-02T10:00:00Z");
    const second = await tick(first.cursor);
    expect(second.runRequests.map((r) => r.tags["quickstart/file"])).toEqual(["events-0302-late.ndjson"]);

    // The request's target runs as is.
    const request = second.runRequests[0]!;
    const run = await materialize(definitions, { instance, selection: "selection" in request.target ? request.target.selection : "", tags: request.tags });
    expect(run.status).toBe("SUCCESS");
    expect((await instance.getRun(run.runId))?.tags["quickstart/file"]).toBe("events-0302-late.ndjson");
  });
});
