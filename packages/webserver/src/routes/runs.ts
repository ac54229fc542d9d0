import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { AUTOMATION_TAGS, BACKFILL_TAG, cancelRun, enqueueReexecution, ErrorCode, FINISHED_STATUSES, OrchError, findRetry, RUN_STATUSES, type InstanceStorage, type RunRecord, type RunStatus, type StoredEvent } from "@orch/core";
import type { ServerContext } from "../context.ts";
import { webserverError } from "../errors.ts";
import { eventsQuery, reexecuteRequest, runsQuery } from "../schemas.ts";
import { parseWith } from "../validate.ts";

/** How often a live stream looks for new events of its run. */
const POLL_MS = 200;

/** Runs list, run detail, events paged by cursor, live events over SSE, cancel and re-execute. */
export function runRoutes(ctx: ServerContext): Hono {
  const app = new Hono();
  const { instance } = ctx;

  app.get("/runs", async (c) => {
    const q = parseWith(runsQuery, c.req.query(), "runs query");
    const statuses = q.status?.split(",").map((s) => s.trim().toUpperCase());
    for (const s of statuses ?? []) {
      if (!(RUN_STATUSES as readonly string[]).includes(s)) throw webserverError("WEBSERVER_BAD_REQUEST", `Unknown run status "${s}". Statuses: ${RUN_STATUSES.join(", ")}.`, { status: s });
    }
    const tags = runTags(q);
    // Asset and job are filtered here: read pages until `limit` runs match (or the log ends).
    const out: RunRecord[] = [];
    let before = q.before;
    for (;;) {
      const page = await instance.listRuns({ ...(statuses ? { statuses: statuses as RunStatus[] } : {}), ...(tags ? { tags } : {}), ...(before ? { createdBefore: before } : {}), limit: q.limit });
      for (const run of page) if ((!q.asset || run.assetKeys.includes(q.asset)) && (!q.job || run.jobName === q.job) && out.length < q.limit) out.push(run);
      if (page.length < q.limit || out.length >= q.limit || (!q.asset && !q.job)) break;
      before = page[page.length - 1]!.createdAt;
    }
    return c.json({ runs: out, ...(out.length === q.limit ? { nextBefore: out[out.length - 1]!.createdAt } : {}) });
  });

  app.get("/runs/:id", async (c) => {
    const run = await requireRun(instance, c.req.param("id"));
    const stepEvents = await instance.getEvents(run.runId, { types: ["STEP_START", "STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED", "RUN_FAILURE"] });
    // Errors come with the run, wherever they sit in a long log.
    const failures = stepEvents.filter((e) => e.type === "STEP_FAILURE" || e.type === "RUN_FAILURE");
    // The other half of the lineage: the run the daemon retried this one as.
    const retriedAs = await findRetry(instance, run.runId);
    return c.json({ run, steps: stepTimeline(run, stepEvents), failures, ...(retriedAs !== undefined ? { retriedAs } : {}) });
  });

  app.get("/runs/:id/events", async (c) => {
    const run = await requireRun(instance, c.req.param("id"));
    const q = parseWith(eventsQuery, c.req.query(), "events query");
    const events = await instance.getEvents(run.runId, { afterId: q.after, limit: q.limit });
    const shown = q.step ? events.filter((e) => e.stepKey === q.step) : events;
    const next = events.length === q.limit ? events[events.length - 1]!.id : undefined;
    return c.json({ events: shown, ...(next !== undefined ? { nextCursor: next } : {}) });
  });

  // Live events: each SSE message carries its event id, so a reconnecting EventSource resumes after Last-Event-ID.
  app.get("/runs/:id/stream", async (c) => {
    const run = await requireRun(instance, c.req.param("id"));
    const resume = Number(c.req.header("last-event-id") ?? c.req.query("after") ?? 0);
    let cursor = Number.isFinite(resume) && resume > 0 ? resume : 0;
    return streamSSE(c, async (stream) => {
      let closed = false;
      stream.onAbort(() => void (closed = true));
      while (!closed) {
        const events = await instance.getEvents(run.runId, { afterId: cursor, limit: 1000 });
        for (const event of events) {
          await stream.writeSSE({ id: String(event.id), event: "event", data: JSON.stringify(event) });
          cursor = event.id;
        }
        if (events.length === 1000) continue;
        const now = await instance.getRun(run.runId);
        if (!now || FINISHED_STATUSES.has(now.status)) {
          // Drain what the run wrote before its record ended, then say so and close.
          const rest = await instance.getEvents(run.runId, { afterId: cursor });
          for (const event of rest) await stream.writeSSE({ id: String(event.id), event: "event", data: JSON.stringify(event) });
          await stream.writeSSE({ event: "end", data: JSON.stringify(now ?? run) });
          break;
        }
        await stream.writeSSE({ event: "status", data: JSON.stringify({ status: now.status }) });
        await stream.sleep(POLL_MS);
      }
    });
  });

  app.post("/runs/:id/cancel", async (c) => {
    const run = await requireRun(instance, c.req.param("id"));
    return c.json({ runId: run.runId, status: await cancelRun(instance, run.runId) });
  });

  // As launch: the new run is queued (linked to its parent and root) and the daemon or a worker starts it.
  app.post("/runs/:id/reexecute", async (c) => {
    const run = await requireRun(instance, c.req.param("id"));
    const body = parseWith(reexecuteRequest, await c.req.json().catch(() => ({})), "re-execute request");
    const { runId, stepKeys } = await enqueueReexecution(ctx.definitions, instance, run.runId, { ...(body.fromFailure ? { fromFailure: true } : {}), ...(body.steps ? { steps: body.steps } : {}) });
    return c.json({ runId, status: "QUEUED", stepKeys }, 201);
  });

  // What the runs page's dropdowns offer: the instance's schedules, sensors and latest backfills.
  app.get("/run-filters", async (c) => {
    const backfills = await instance.listBackfills({ limit: 100 });
    return c.json({
      schedules: [...ctx.definitions.schedules.keys()],
      sensors: [...ctx.definitions.sensors.keys()],
      backfills: backfills.map((b) => ({ backfillId: b.backfillId, status: b.status, createdAt: b.createdAt, ...(b.jobName !== undefined ? { jobName: b.jobName } : {}), ...(b.selection !== undefined ? { selection: b.selection } : {}) })),
    });
  });
  return app;
}

async function requireRun(instance: InstanceStorage, runId: string): Promise<RunRecord> {
  const run = await instance.getRun(runId);
  if (!run) throw new OrchError(ErrorCode.UNKNOWN_RUN, `Run "${runId}" does not exist in this instance.`, { pkg: "webserver", details: { runId } });
  return run;
}

export interface StepSpan {
  readonly stepKey: string;
  readonly status: "pending" | "running" | "success" | "failure" | "skipped";
  readonly startedAt?: number;
  readonly endedAt?: number;
}

/** The Gantt rows of a run: each step's start, end and outcome from its step events. */
function stepTimeline(run: RunRecord, events: readonly StoredEvent[]): StepSpan[] {
  const spans = new Map<string, { status: StepSpan["status"]; startedAt?: number; endedAt?: number }>(run.stepKeys.map((k) => [k, { status: "pending" }]));
  for (const event of events) {
    if (!event.stepKey) continue;
    const span = spans.get(event.stepKey) ?? { status: "pending" };
    if (event.type === "STEP_START") Object.assign(span, { status: "running", startedAt: event.timestamp });
    if (event.type === "STEP_SUCCESS") Object.assign(span, { status: "success", endedAt: event.timestamp });
    if (event.type === "STEP_FAILURE") Object.assign(span, { status: "failure", endedAt: event.timestamp });
    if (event.type === "STEP_SKIPPED") Object.assign(span, { status: "skipped", endedAt: event.timestamp });
    spans.set(event.stepKey, span);
  }
  return [...spans].map(([stepKey, span]) => ({ stepKey, ...span }));
}

/** `tag`, `schedule`, `sensor` and `backfill` are all tag conditions of one storage query. */
function runTags(q: { tag?: string | undefined; schedule?: string | undefined; sensor?: string | undefined; backfill?: string | undefined }): Record<string, string> | undefined {
  const tags = {
    ...(q.tag ? parseTag(q.tag) : {}),
    ...(q.schedule ? { [AUTOMATION_TAGS.schedule]: q.schedule } : {}),
    ...(q.sensor ? { [AUTOMATION_TAGS.sensor]: q.sensor } : {}),
    ...(q.backfill ? { [BACKFILL_TAG]: q.backfill } : {}),
  };
  return Object.keys(tags).length ? tags : undefined;
}

function parseTag(text: string): Record<string, string> {
  const eq = text.indexOf("=");
  if (eq <= 0) throw webserverError("WEBSERVER_BAD_REQUEST", `tag "${text}" must be key=value.`, { tag: text });
  return { [text.slice(0, eq)]: text.slice(eq + 1) };
}
