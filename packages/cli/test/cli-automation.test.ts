import { describe, expect, it } from "vitest";
import { tempProject } from "./fixture.ts";

const DEFS = `
import { asset, defineDefinitions, schedule, sensor, staticPartitions } from "@orch/core";

const report = asset({ key: "report", compute: () => 1 });
const regional = asset({ key: "regional", partitions: staticPartitions(["eu", "us", "apac"]), compute: ({ partitionKey }) => partitionKey });

export default defineDefinitions({
  assets: [report, regional],
  schedules: [schedule({ name: "nightly", cron: "0 2 * * *", target: "report" })],
  sensors: [
    sensor({
      name: "inbox",
      target: "report",
      evaluate: ({ cursor }) => ({ runRequests: [{ runKey: "file-" + (Number(cursor ?? 0) + 1) }], cursor: String(Number(cursor ?? 0) + 1) }),
    }),
  ],
});
`;

describe("orch schedule, sensor, ticks and backfill", () => {
  it("lists, starts, stops and previews schedules and sensors, and sets a sensor's cursor", async () => {
    const project = await tempProject("module: ./defs.ts\n", DEFS);
    expect((await project.run(["schedule", "list"])).stdout).toMatch(/nightly\s+0 2 \* \* \* \(UTC\)\s+stopped/);
    expect((await project.run(["schedule", "start", "nightly"])).stdout).toContain("Schedule nightly is running.");
    expect((await project.run(["schedule", "list"])).stdout).toMatch(/nightly\s+.*running/);
    const preview = await project.run(["schedule", "preview", "nightly", "--at", "2024-03-10T01:00:00Z"]);
    expect(preview.stdout).toContain("Tick at 2024-03-10 02:00:00Z");
    expect(preview.stdout).toContain("- select report runKey schedule:nightly:2024-03-10T02:00:00.000Z");
    const unknown = await project.run(["schedule", "start", "nighlty"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown schedule "nighlty"');

    expect((await project.run(["sensor", "cursor", "inbox", "--set", "41"])).stdout).toContain("cursor set to 41");
    const sensorPreview = await project.run(["sensor", "preview", "inbox"]);
    expect(sensorPreview.stdout).toContain("Cursor before: 41");
    expect(sensorPreview.stdout).toContain("runKey file-42");
    expect(sensorPreview.stdout).toContain("cursor after: 42");
    // Preview commits nothing.
    expect((await project.run(["sensor", "cursor", "inbox"])).stdout.trim()).toBe("41");
    expect((await project.run(["sensor", "list"])).stdout).toMatch(/inbox\s+plain\s+stopped\s+30s\s+41/);
    expect((await project.run(["ticks", "inbox"])).stdout).toContain("No ticks for inbox yet");
  });

  it("backfills every partition, shows status per partition, cancels and resumes", async () => {
    const project = await tempProject("module: ./defs.ts\n", DEFS);
    const created = await project.run(["backfill", "--select", "regional", "--all-partitions"]);
    expect(created.code, created.stderr).toBe(0);
    const id = /Backfill (\S+): 3 run\(s\) queued/.exec(created.stdout)?.[1];
    expect(id, created.stdout).toBeDefined();
    expect((await project.run(["backfill", "list"])).stdout).toMatch(new RegExp(`${id}\\s+REQUESTED.*3 QUEUED`));
    const shown = await project.run(["backfill", "show", id!]);
    expect(shown.stdout).toMatch(/eu\s+QUEUED/);
    expect(shown.stdout).toMatch(/apac\s+QUEUED/);
    expect((await project.run(["backfill", "cancel", id!])).stdout).toContain(`Backfill ${id} CANCELED`);
    expect((await project.run(["backfill", "show", id!])).stdout).toContain("3 CANCELED");
    expect((await project.run(["backfill", "resume", id!])).stdout).toContain("3 run(s) queued");
    const usage = await project.run(["backfill", "--select", "regional"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("exactly one of --partition-range");
  });
});
