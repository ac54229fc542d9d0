import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWebserver } from "../src/index.ts";
import { fixtureDefinitions, startFixture, type Fixture } from "./fixture.ts";
import { asset, dailyPartitions, Daemon, defineDefinitions, executeQueuedRun, graph, inProcessLauncher, job, manualClock, memoryStorage, op, retryFailedRuns } from "@orch/core";
import { z } from "zod";

const SECRET = "s3cret-warehouse-password";
process.env.WAREHOUSE_PASSWORD = SECRET;

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.close());

async function launchAndRun(body: unknown): Promise<string> {
  const launched = await fx.api("/api/launch", { json: body });
  expect(launched.status).toBe(201);
  await fx.drainQueue();
  return launched.body.runId;
}

describe("asset graph and catalog", () => {
  it("sends nodes, edges, groups and a status computed on the server", async () => {
    const { status, body } = await fx.api("/api/graph");
    expect(status).toBe(200);
    expect(body.nodes.map((n: { id: string }) => n.id).sort()).toEqual(["flaky", "raw/events", "staging/cleaned"]);
    expect(body.edges).toEqual([["raw/events", "staging/cleaned"]]);
    expect(body.groups).toEqual(expect.arrayContaining([{ name: "ingest", count: 1 }, { name: "staging", count: 2 }]));
    expect(body.nodes.find((n: { id: string }) => n.id === "raw/events")).toMatchObject({ kinds: ["json"], partitioned: true });
  });

  it("marks the nodes a selection picks, and refuses a bad selection with its caret", async () => {
    const picked = await fx.api(`/api/graph?select=${encodeURIComponent("+staging/cleaned")}`);
    expect(picked.body.selectedCount).toBe(2);
    const bad = await fx.api(`/api/graph?select=${encodeURIComponent("group:staging and (")}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("INVALID_SELECTION");
    expect(bad.body.error.message).toContain("^");
  });

  it("counts partitions on the server (never lists keys) after a partition is materialized", async () => {
    await launchAndRun({ selection: "raw/events", partition: "b" });
    const { body } = await fx.api("/api/assets");
    const raw = body.assets.find((a: { id: string }) => a.id === "raw/events");
    expect(raw.partitions).toEqual({ total: 3, materialized: 1, failed: 0, missing: 2 });
    expect(JSON.stringify(raw)).not.toContain('"a"');
  });

  it("shows an asset with its history and refuses an unknown one with a suggestion", async () => {
    const { body } = await fx.api(`/api/asset?key=${encodeURIComponent("raw/events")}`);
    expect(body.asset).toMatchObject({ id: "raw/events", downstream: ["staging/cleaned"], partitions: { total: 3, materialized: 1 } });
    expect(body.asset.partitions.ranges).toEqual([
      { status: "missing", start: "a", end: "a", count: 1, materialized: 0, failed: 0 },
      { status: "materialized", start: "b", end: "b", count: 1, materialized: 1, failed: 0 },
      { status: "missing", start: "c", end: "c", count: 1, materialized: 0, failed: 0 },
    ]);
    expect(body.materializations[0]).toMatchObject({ type: "ASSET_MATERIALIZATION", partition: "b" });
    const unknown = await fx.api(`/api/asset?key=raw/event`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: "UNKNOWN_ASSET" });
    expect(unknown.body.error.message).toContain('"raw/events"');
  });
});

describe("partition grid", () => {
  it("sends an asset of 20k daily partitions as ranges of materialized and missing days, not keys", async () => {
    const daily = asset({ key: "daily", partitions: dailyPartitions({ start: "1970-01-01", end: "2024-10-04", timezone: "UTC" }), compute: () => 1 });
    const definitions = defineDefinitions({ assets: [daily] });
    const instance = memoryStorage();
    const server = await startWebserver({ definitions, instance, readOnly: false, port: 0, info: {} });
    try {
      const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: "POST", headers: { origin: server.url, "content-type": "application/json" }, body: JSON.stringify(body) });
      expect((await post("/api/launch", { selection: "daily", partitionRange: { start: "2000-01-01", end: "2000-01-03" } })).status).toBe(201);
      for (const run of await instance.getQueuedRuns()) await executeQueuedRun(definitions, instance, run.runId);
      const text = await (await fetch(`${server.url}/api/asset?key=daily`)).text();
      const { partitions } = JSON.parse(text).asset;
      expect(partitions).toMatchObject({ total: 20_000, materialized: 3, missing: 19_997 });
      expect(partitions.ranges).toEqual([
        { status: "missing", start: "1970-01-01", end: "1999-12-31", count: 10_957, materialized: 0, failed: 0 },
        { status: "materialized", start: "2000-01-01", end: "2000-01-03", count: 3, materialized: 3, failed: 0 },
        { status: "missing", start: "2000-01-04", end: "2024-10-03", count: 9_040, materialized: 0, failed: 0 },
      ]);
      expect(JSON.stringify(partitions)).not.toContain("2000-01-02");
      expect(text.length).toBeLessThan(3000);
    } finally {
      await server.close();
    }
  });
});

describe("runs", () => {
  it("launches through the queue, lists runs by status, asset and tag, and pages events by cursor", async () => {
    const runId = await launchAndRun({ selection: "flaky", tags: { team: "web" } });
    const detail = await fx.api(`/api/runs/${runId}`);
    expect(detail.body.run).toMatchObject({ status: "SUCCESS", tags: { team: "web" } });
    expect(detail.body.steps).toEqual([expect.objectContaining({ stepKey: "flaky", status: "success" })]);
    expect((await fx.api("/api/runs?status=success&asset=flaky")).body.runs.map((r: { runId: string }) => r.runId)).toContain(runId);
    expect((await fx.api("/api/runs?tag=team=web")).body.runs.map((r: { runId: string }) => r.runId)).toEqual([runId]);
    expect((await fx.api("/api/runs?asset=raw/events")).body.runs.map((r: { runId: string }) => r.runId)).not.toContain(runId);

    const first = await fx.api(`/api/runs/${runId}/events?limit=2`);
    expect(first.body.events).toHaveLength(2);
    const rest = await fx.api(`/api/runs/${runId}/events?after=${first.body.nextCursor}&limit=1000`);
    expect(rest.body.events[0].id).toBeGreaterThan(first.body.events[1].id);
    expect(rest.body.events.at(-1).type).toBe("RUN_SUCCESS");
    expect(rest.body.nextCursor).toBeUndefined();
  });

  it("streams events over SSE and resumes after Last-Event-ID", async () => {
    const runId = await launchAndRun({ selection: "flaky" });
    const all = (await fx.api(`/api/runs/${runId}/events?limit=1000`)).body.events as { id: number }[];
    const read = async (headers: Record<string, string>) => {
      const text = await (await fetch(`${fx.server.url}/api/runs/${runId}/stream`, { headers })).text();
      return [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    };
    expect(await read({})).toEqual(all.map((e) => e.id));
    expect(await read({ "last-event-id": String(all[2]!.id) })).toEqual(all.slice(3).map((e) => e.id));
  });

  it("re-executes a failed run from failure as a new linked run", async () => {
    fx.state.fail = true;
    const failed = await launchAndRun({ selection: "flaky" });
    const detail = await fx.api(`/api/runs/${failed}`);
    expect(detail.body.run.status).toBe("FAILURE");
    expect(detail.body.failures[0]).toMatchObject({ type: "STEP_FAILURE", stepKey: "flaky", error: { message: expect.stringContaining("flaky source is down") } });
    fx.state.fail = false;
    const again = await fx.api(`/api/runs/${failed}/reexecute`, { json: { fromFailure: true } });
    expect(again.status).toBe(201);
    expect(again.body).toEqual({ runId: expect.any(String), status: "QUEUED", stepKeys: ["flaky"] });
    // Queued like a launch: nothing runs in the webserver, the daemon (here drainQueue) starts it.
    expect((await fx.api(`/api/runs/${again.body.runId}`)).body.run.status).toBe("QUEUED");
    await fx.drainQueue();
    const child = await fx.api(`/api/runs/${again.body.runId}`);
    expect(child.body.run).toMatchObject({ status: "SUCCESS", parentRunId: failed, rootRunId: failed, tags: { "orch/parent-run-id": failed, "orch/root-run-id": failed } });
    // A manual re-execution is not a retry: the failed run names no retry.
    expect((await fx.api(`/api/runs/${failed}`)).body.retriedAs).toBeUndefined();
  });

  it("tells a run the daemon retried which run retried it, and the retry its number", async () => {
    const retries = () =>
      retryFailedRuns({ definitions: fx.definitions, instance: fx.instance, policy: { maxRetries: 1, strategy: "from_failure", retryOnStepFailure: true }, log: () => undefined });
    await retries(); // the loop's first pass sets its place in the log: failures after it are retried
    fx.state.fail = true;
    const failed = await launchAndRun({ selection: "flaky" });
    fx.state.fail = false;
    const [decision] = await retries();
    expect(decision).toMatchObject({ runId: failed, retryRunId: expect.any(String), created: true });
    const retried = (decision as { retryRunId: string }).retryRunId;
    await fx.drainQueue();
    expect((await fx.api(`/api/runs/${failed}`)).body.retriedAs).toBe(retried);
    expect((await fx.api(`/api/runs/${retried}`)).body.run).toMatchObject({ status: "SUCCESS", parentRunId: failed, tags: { "orch/retry_number": "1" } });
  });

  it("re-executes chosen steps through the queue: only those run, the others' outputs come from the parent", async () => {
    const parent = await launchAndRun({ selection: "+staging/cleaned", partition: "a", tags: { team: "web" } });
    expect((await fx.api(`/api/runs/${parent}`)).body.run).toMatchObject({ status: "SUCCESS", stepKeys: ["raw/events", "staging/cleaned"] });
    const again = await fx.api(`/api/runs/${parent}/reexecute`, { json: { steps: ["staging/cleaned"] } });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    const queued = await fx.api(`/api/runs/${again.body.runId}`);
    expect(queued.body.run).toMatchObject({ status: "QUEUED", stepKeys: ["staging/cleaned"], partitionKey: "a", parentRunId: parent, tags: { team: "web" } });
    expect((await fx.api(`/api/runs/${again.body.runId}/events`)).body.events.map((e: { type: string }) => e.type)).toEqual(["RUN_ENQUEUED"]);
    await fx.drainQueue();
    const child = await fx.api(`/api/runs/${again.body.runId}`);
    expect(child.body.run.status).toBe("SUCCESS");
    expect(child.body.steps).toEqual([expect.objectContaining({ stepKey: "staging/cleaned", status: "success" })]);
    const events = (await fx.api(`/api/runs/${again.body.runId}/events?limit=1000`)).body.events as { type: string; stepKey?: string; upstreamRunId?: string }[];
    expect(events.filter((e) => e.type === "STEP_START").map((e) => e.stepKey)).toEqual(["staging/cleaned"]);
    expect(events.find((e) => e.type === "LOADED_INPUT")).toMatchObject({ stepKey: "staging/cleaned", upstreamRunId: parent });
    // The chain is listed by its root.
    expect((await fx.api(`/api/runs?tag=${encodeURIComponent(`orch/root-run-id=${parent}`)}`)).body.runs.map((r: { runId: string }) => r.runId)).toEqual([again.body.runId]);
  });

  it("refuses a re-execution of an unknown step, of a run still going, or of nothing, before queueing anything", async () => {
    const parent = await launchAndRun({ selection: "flaky" });
    const unknown = await fx.api(`/api/runs/${parent}/reexecute`, { json: { steps: ["flakyy"] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: "INVALID_SELECTION", message: expect.stringContaining('Step "flakyy" was not part of run') });
    expect(unknown.body.error.message).toContain('Did you mean "flaky"?');
    const succeeded = await fx.api(`/api/runs/${parent}/reexecute`, { json: { fromFailure: true } });
    expect(succeeded.body.error).toMatchObject({ code: "NOTHING_TO_REEXECUTE", message: expect.stringContaining("succeeded") });
    const both = await fx.api(`/api/runs/${parent}/reexecute`, { json: { fromFailure: true, steps: ["flaky"] } });
    expect(both.body.error).toMatchObject({ code: "WEBSERVER_BAD_REQUEST", message: expect.stringContaining("not both") });

    const going = await fx.api("/api/launch", { json: { selection: "flaky" } });
    const early = await fx.api(`/api/runs/${going.body.runId}/reexecute`, { json: {} });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: "RUN_NOT_FINISHED", message: expect.stringContaining("is still QUEUED") });
    expect((await fx.instance.getQueuedRuns()).map((r) => r.runId)).toEqual([going.body.runId]);
    await fx.drainQueue();

    const evil = await fx.api(`/api/runs/${parent}/reexecute`, { json: {}, headers: { origin: "http://evil.example" } });
    expect(evil.status).toBe(403);
    expect(evil.body.error.code).toBe("WEBSERVER_BAD_ORIGIN");
    expect(await fx.instance.getQueuedRuns()).toEqual([]);
  });

  it("filters runs by schedule, sensor and backfill with the storage's tag query, and lists them for the dropdowns", async () => {
    const own = await startFixture();
    try {
      // The daemon's own loops request the runs: a nightly tick and a counter sensor tick.
      const clock = manualClock(Date.parse("2024-03-10T00:30:00Z"));
      const daemon = new Daemon({ definitions: own.definitions, instance: own.instance, launcher: inProcessLauncher(own.definitions, own.instance), clock, loops: ["scheduler", "sensors"], identity: { pid: 1, host: "test" } });
      await own.api("/api/automation/sensor/counter/start", { method: "POST" });
      await daemon.runOnce();
      clock.advance(24 * 3_600_000);
      await daemon.runOnce();
      await own.drainQueue();
      const backfill = await own.api("/api/backfills", { json: { selection: "raw/events", partitions: { all: true } } });
      expect(backfill.status, JSON.stringify(backfill.body)).toBe(201);

      const filters = await own.api("/api/run-filters");
      expect(filters.body).toMatchObject({ schedules: ["nightly"], sensors: ["counter"], backfills: [{ backfillId: backfill.body.backfillId, selection: "raw/events" }] });

      const calls: unknown[] = [];
      const listRuns = own.instance.listRuns.bind(own.instance);
      own.instance.listRuns = (filter) => (calls.push(filter), listRuns(filter));
      const scheduled = (await own.api("/api/runs?schedule=nightly")).body.runs as { tags: Record<string, string> }[];
      expect(scheduled.length).toBeGreaterThan(0);
      expect(scheduled.every((r) => r.tags["orch/schedule"] === "nightly")).toBe(true);
      expect(calls).toEqual([expect.objectContaining({ tags: { "orch/schedule": "nightly" }, limit: 100 })]);
      const sensed = (await own.api("/api/runs?sensor=counter")).body.runs as { tags: Record<string, string> }[];
      expect(sensed.length).toBeGreaterThan(0);
      expect(sensed.every((r) => r.tags["orch/sensor"] === "counter")).toBe(true);
      expect((await own.api("/api/runs?schedule=nightly&sensor=counter")).body.runs).toEqual([]);
      expect((await own.api("/api/runs?schedule=weekly")).body.runs).toEqual([]);
      const backfilled = (await own.api(`/api/runs?backfill=${backfill.body.backfillId}`)).body.runs as { partitionKey: string }[];
      expect(backfilled.map((r) => r.partitionKey).sort()).toEqual(["a", "b", "c"]);
    } finally {
      await own.close();
    }
  });

  it("cancels a queued run, and refuses unknown runs", async () => {
    const launched = await fx.api("/api/launch", { json: { selection: "flaky" } });
    const canceled = await fx.api(`/api/runs/${launched.body.runId}/cancel`, { method: "POST" });
    expect(canceled.body.status).toBe("CANCELED");
    expect((await fx.api("/api/runs/nope")).body.error.code).toBe("UNKNOWN_RUN");
    expect((await fx.api("/api/runs?status=DONE")).status).toBe(400);
  });
});

describe("launchpad config", () => {
  it("scaffolds the config of the planned steps with their defaults and JSON Schemas", async () => {
    const { status, body } = await fx.api(`/api/launch/config?selection=${encodeURIComponent("+staging/cleaned")}`);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.scaffold).toEqual({ assets: { "staging/cleaned": { config: { threshold: 1 } } } });
    expect(body.schemas["assets.staging/cleaned.config"]).toMatchObject({ type: "object", properties: { threshold: { type: "number", default: 1 } } });
    expect((await fx.api(`/api/launch/config?selection=${encodeURIComponent("staging/cleanedd")}`)).body.error.code).toBe("UNKNOWN_ASSET");
  });

  it("sends the whole run config document's JSON Schema, refusing unknown keys as orch does, for checking as the user types", async () => {
    const { body } = await fx.api(`/api/launch/config?selection=${encodeURIComponent("+staging/cleaned")}`);
    expect(body.schema).toMatchObject({ type: "object", additionalProperties: false, properties: { assets: { type: "object" }, ops: { type: "object" }, resources: { type: "object" } } });
    const cleaned = body.schema.properties.assets.properties["staging/cleaned"];
    expect(cleaned).toMatchObject({ additionalProperties: false, properties: { config: { type: "object", additionalProperties: false, properties: { threshold: { type: "number", default: 1 } } } } });
    expect(cleaned.properties.config.$schema).toBeUndefined();
    // raw/events is planned and takes no config.
    expect(body.schema.properties.assets.properties["raw/events"]).toEqual({ type: "object", properties: {}, additionalProperties: false });
  });

  it("scaffolds an op job's config by op path, as the launch and the run read it", async () => {
    const fetchPage = op({ name: "fetch_page", config: z.object({ page: z.number().int().default(1) }), compute: ({ config }) => config.page });
    const definitions = defineDefinitions({ jobs: [job({ name: "pages", graph: () => graph({ name: "g", build: () => fetchPage() })() })] });
    const instance = memoryStorage();
    const server = await startWebserver({ definitions, instance, readOnly: false, port: 0, info: {} });
    try {
      const post = async (path: string, body: unknown) => {
        const response = await fetch(`${server.url}${path}`, { method: "POST", headers: { origin: server.url, "content-type": "application/json" }, body: JSON.stringify(body) });
        return { status: response.status, body: (await response.json()) as any };
      };
      const config = (await (await fetch(`${server.url}/api/launch/config?job=pages`)).json()) as { scaffold: unknown; schemas: Record<string, unknown> };
      expect(config.scaffold).toEqual({ ops: { "g.fetch_page": { config: { page: 1 } } } });
      expect(Object.keys(config.schemas)).toEqual(["ops.g.fetch_page.config"]);
      const typo = await post("/api/launch", { job: "pages", config: { ops: { "g.fetch_page": { config: { pagee: 2 } } } } });
      expect(typo.body.error).toMatchObject({ code: "INVALID_RUN_CONFIG", message: expect.stringContaining('ops.g.fetch_page.config.pagee: unknown key "pagee"') });
      const launched = await post("/api/launch", { job: "pages", config: config.scaffold });
      expect(launched.status, JSON.stringify(launched.body)).toBe(201);
      expect((await executeQueuedRun(definitions, instance, launched.body.runId))?.status).toBe("SUCCESS");
    } finally {
      await server.close();
    }
  });
});

describe("launch refusals", () => {
  it("refuses bad config with its path, a bad selection with its caret, an unknown job and a bad body", async () => {
    const config = await fx.api("/api/launch", { json: { selection: "staging/cleaned", partition: "a", config: { assets: { "staging/cleaned": { config: { threshold: "high" } } } } } });
    expect(config.status).toBe(400);
    expect(config.body.error.code).toBe("INVALID_RUN_CONFIG");
    expect(config.body.error.message).toContain("assets.staging/cleaned.config.threshold");
    const selection = await fx.api("/api/launch", { json: { selection: "flaky+ +" } });
    expect(selection.body.error.code).toBe("INVALID_SELECTION");
    expect(selection.body.error.message).toContain("^");
    expect((await fx.api("/api/launch", { json: { job: "nightly_job" } })).body.error.code).toBe("UNKNOWN_JOB");
    const body = await fx.api("/api/launch", { json: { selection: "flaky", tags: { team: 3 } } });
    expect(body.body.error.code).toBe("WEBSERVER_BAD_REQUEST");
    expect(body.body.error.message).toContain("tags.team");
    expect(await fx.instance.getQueuedRuns()).toEqual([]);
  });
});

describe("automation and instance", () => {
  it("lists schedules with their next tick, stops and starts one, and lists its ticks", async () => {
    const before = (await fx.api("/api/automation")).body.schedules[0];
    expect(before).toMatchObject({ name: "nightly", status: "running", cron: "0 1 * * *" });
    expect(before.nextTickAt).toBeGreaterThan(Date.now());
    expect((await fx.api("/api/automation/schedule/nightly/stop", { method: "POST" })).body.status).toBe("stopped");
    expect((await fx.api("/api/automation")).body.schedules[0].status).toBe("stopped");
    expect((await fx.api("/api/automation/schedule/nightly/ticks")).body.ticks).toEqual([]);
    const unknown = await fx.api("/api/automation/schedule/nightlyy/start", { method: "POST" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("nightly");
  });

  it("previews a schedule's tick at a chosen time, and refuses a bad time or an unknown name", async () => {
    const { status, body } = await fx.api(`/api/automation/schedule/nightly/preview?at=${encodeURIComponent("2024-03-10T00:30:00Z")}`);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(new Date(body.scheduledTime).toISOString()).toBe("2024-03-10T01:00:00.000Z");
    expect(body.runRequests).toHaveLength(1);
    const bad = await fx.api("/api/automation/schedule/nightly/preview?at=yesterday");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "WEBSERVER_BAD_REQUEST", message: expect.stringContaining("at: not a time") });
    const unknown = await fx.api("/api/automation/schedule/nightlyy/preview");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("nightly");
    expect(await fx.instance.getTicks("nightly", { limit: 10 })).toEqual([]);
  });

  it("previews a sensor from its cursor or an edited one, and sets its cursor without committing previews", async () => {
    const fresh = await fx.api("/api/automation/sensor/counter/preview");
    expect(fresh.body).toMatchObject({ cursorBefore: null, cursor: "1", runRequests: [expect.objectContaining({ runKey: "n0" })] });
    const edited = await fx.api("/api/automation/sensor/counter/preview?cursor=41");
    expect(edited.body).toMatchObject({ cursorBefore: "41", cursor: "42" });
    expect((await fx.api("/api/automation")).body.sensors[0].cursor).toBeUndefined();

    expect((await fx.api("/api/automation/sensor/counter/cursor", { json: { cursor: "7" } })).body).toEqual({ name: "counter", cursor: "7" });
    expect((await fx.api("/api/automation")).body.sensors[0].cursor).toBe("7");
    expect((await fx.api("/api/automation/sensor/counter/preview")).body).toMatchObject({ cursorBefore: "7", cursor: "8" });
    await fx.api("/api/automation/sensor/counter/cursor", { json: { cursor: null } });
    expect((await fx.api("/api/automation")).body.sensors[0].cursor).toBeUndefined();

    const unknown = await fx.api("/api/automation/sensor/countr/cursor", { json: { cursor: "1" } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("counter");
    expect((await fx.api("/api/automation/sensor/counter/cursor", { json: { cursor: 3 } })).body.error.message).toContain("cursor");
    expect((await fx.api("/api/automation/sensor/countr/preview")).status).toBe(400);
  });

  it("launches a backfill of the missing partitions, and lists it", async () => {
    await launchAndRun({ selection: "raw/events", partition: "a" });
    const launched = await fx.api("/api/backfills", { json: { selection: "raw/events", partitions: { missing: true }, tags: { why: "ui" } } });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    const queued = await fx.instance.getQueuedRuns();
    expect(queued.map((r) => r.partitionKey).sort()).toEqual(["c"]);
    expect(queued[0]!.tags).toMatchObject({ why: "ui" });
    const listed = (await fx.api("/api/backfills")).body.backfills;
    expect(listed).toEqual([expect.objectContaining({ backfillId: launched.body.backfillId, unitCount: 1 })]);
    await fx.drainQueue();

    const none = await fx.api("/api/backfills", { json: { selection: "raw/events", partitions: { missing: true } } });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toContain("none is missing");
    const config = await fx.api("/api/backfills", { json: { selection: "staging/cleaned", partitions: { all: true }, config: { assets: { "staging/cleaned": { config: { threshold: "high" } } } } } });
    expect(config.body.error).toMatchObject({ code: "INVALID_RUN_CONFIG", message: expect.stringContaining("assets.staging/cleaned.config.threshold") });
    expect(await fx.instance.getQueuedRuns()).toEqual([]);
    const bad = await fx.api("/api/backfills", { json: { selection: "raw/events", partitions: { some: true } } });
    expect(bad.body.error.code).toBe("WEBSERVER_BAD_REQUEST");
    expect(bad.body.error.message).toContain("partitions");
  });

  it("shows the instance with resource config as env refs, never the secret", async () => {
    const { body } = await fx.api("/api/instance");
    expect(body).toMatchObject({ storage: expect.any(String), readOnly: false, heartbeats: [] });
    expect(body.resources).toEqual([{ key: "warehouse", config: { password: { env: "WAREHOUSE_PASSWORD" } } }]);
    expect(JSON.stringify(body)).not.toContain(SECRET);
  });
});

describe("security", () => {
  let other: Fixture | undefined;
  afterEach(async () => {
    await other?.close();
    other = undefined;
  });

  it("refuses mutations from another origin, or without one", async () => {
    const evil = await fx.api("/api/launch", { json: { selection: "flaky" }, headers: { origin: "http://evil.example" } });
    expect(evil.status).toBe(403);
    expect(evil.body.error.code).toBe("WEBSERVER_BAD_ORIGIN");
    const none = await fetch(`${fx.server.url}/api/launch`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(none.status).toBe(403);
    const cursor = await fx.api("/api/automation/sensor/counter/cursor", { json: { cursor: "9" }, headers: { origin: "http://evil.example" } });
    expect(cursor.body.error.code).toBe("WEBSERVER_BAD_ORIGIN");
    expect(await fx.instance.getQueuedRuns()).toEqual([]);
  });

  it("refuses a Host that is not its own (DNS rebinding)", async () => {
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${fx.server.url}/api/graph`, { headers: { host: `rebound.example:${fx.server.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it("needs the token when one is set", async () => {
    other = await startFixture({ authToken: "t0ken" });
    expect((await other.api("/api/graph")).status).toBe(401);
    expect((await other.api("/api/graph", { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await other.api("/api/graph", { headers: { authorization: "Bearer t0ken" } })).status).toBe(200);
    const launch = await other.api("/api/launch", { json: { selection: "flaky" } });
    expect(launch.body.error.code).toBe("WEBSERVER_UNAUTHORIZED");
  });

  it("refuses to listen beyond loopback without a token", async () => {
    await expect(startWebserver({ definitions: fixtureDefinitions({ fail: false }), instance: memoryStorage(), readOnly: false, host: "0.0.0.0", port: 0, info: {} })).rejects.toMatchObject({
      code: "WEBSERVER_AUTH_REQUIRED",
      message: expect.stringContaining("--auth-token"),
    });
  });

  it("names the port when it is taken", async () => {
    await expect(startWebserver({ definitions: fixtureDefinitions({ fail: false }), instance: memoryStorage(), readOnly: false, port: fx.server.port, info: {} })).rejects.toMatchObject({
      code: "WEBSERVER_PORT_IN_USE",
      message: expect.stringContaining(`Port ${fx.server.port} on 127.0.0.1 is in use`),
    });
  });

  it("disables every mutation when read-only, and still serves reads", async () => {
    other = await startFixture({ readOnly: true });
    expect((await other.api("/api/graph")).status).toBe(200);
    const launch = await other.api("/api/launch", { json: { selection: "flaky" } });
    expect(launch.body.error.code).toBe("WEBSERVER_READ_ONLY");
    expect((await other.api("/api/automation/schedule/nightly/stop", { method: "POST" })).status).toBe(403);
    expect((await other.api("/api/automation/sensor/counter/cursor", { json: { cursor: "1" } })).body.error.code).toBe("WEBSERVER_READ_ONLY");
    expect((await other.api("/api/backfills", { json: { partitions: { missing: true } } })).body.error.code).toBe("WEBSERVER_READ_ONLY");
    const reexecute = await other.api("/api/runs/any/reexecute", { json: { steps: ["flaky"] } });
    expect(reexecute.body.error).toMatchObject({ code: "WEBSERVER_READ_ONLY", message: expect.stringContaining("read-only") });
    expect((await other.api("/api/automation/sensor/counter/preview")).status).toBe(200);
  });
});
