import { Hono } from "hono";
import { backfillProgress, cancelBackfill, effectiveStatus, findInstigator, launchBackfill, nextScheduleTick, previewSchedule, previewSensor, setInstigatorStatus, setSensorCursor, type InstigatorKind } from "@orch/core";
import type { ServerContext } from "../context.ts";
import { backfillRequest, schedulePreviewQuery, sensorCursorRequest, sensorPreviewQuery, ticksQuery } from "../schemas.ts";
import { parseWith } from "../validate.ts";
import { checkRunConfig, plannedSteps } from "./launch.ts";

/** Schedules and sensors (status, next tick, tick history, start/stop) and backfills (progress, cancel). */
export function automationRoutes(ctx: ServerContext): Hono {
  const app = new Hono();
  const { definitions, instance } = ctx;

  app.get("/automation", async (c) => {
    const states = new Map((await instance.listInstigatorStates()).map((s) => [s.name, s]));
    const lastTick = async (name: string) => (await instance.getTicks(name, { limit: 1 }))[0];
    const schedules = await Promise.all(
      [...definitions.schedules.values()].map(async (s) => {
        const status = effectiveStatus(s.defaultStatus, states.get(s.name));
        const next = status === "running" ? nextScheduleTick(s, Date.now()) : undefined;
        return { name: s.name, kind: "schedule", cron: s.cron, timezone: s.timezone, status, ...(s.description ? { description: s.description } : {}), ...(next ? { nextTickAt: next } : {}), lastTick: (await lastTick(s.name)) ?? null };
      }),
    );
    const sensors = await Promise.all(
      [...definitions.sensors.values()].map(async (s) => {
        const state = states.get(s.name);
        return { name: s.name, kind: "sensor", sensorKind: s.sensorKind, status: effectiveStatus(s.defaultStatus, state), minimumIntervalSeconds: s.minimumIntervalSeconds, ...(state?.cursor !== undefined ? { cursor: state.cursor } : {}), lastTick: (await lastTick(s.name)) ?? null };
      }),
    );
    return c.json({ schedules, sensors });
  });

  app.get("/automation/:kind/:name/ticks", async (c) => {
    const kind = instigatorKind(c.req.param("kind"));
    const { name } = findInstigator(definitions, kind, c.req.param("name"));
    const { limit } = parseWith(ticksQuery, c.req.query(), "ticks query");
    return c.json({ ticks: await instance.getTicks(name, { limit }) });
  });

  for (const [verb, status] of [["start", "running"], ["stop", "stopped"]] as const) {
    app.post(`/automation/:kind/:name/${verb}`, async (c) => {
      const kind = instigatorKind(c.req.param("kind"));
      await setInstigatorStatus(definitions, instance, kind, c.req.param("name"), status);
      return c.json({ name: c.req.param("name"), kind, status });
    });
  }

  // Previews are reads: the tick is evaluated, nothing is launched and no cursor is committed.
  app.get("/automation/schedule/:name/preview", async (c) => {
    const { at } = parseWith(schedulePreviewQuery, c.req.query(), "schedule preview query");
    return c.json(await previewSchedule(definitions, c.req.param("name"), { instance, ...(at !== undefined ? { at: Date.parse(at) } : {}) }));
  });
  app.get("/automation/sensor/:name/preview", async (c) => {
    const query = parseWith(sensorPreviewQuery, c.req.query(), "sensor preview query");
    const { name } = findInstigator(definitions, "sensor", c.req.param("name"));
    const state = await instance.getInstigatorState(name);
    const cursor = query.cursor ?? state?.cursor;
    const result = await previewSensor(definitions, name, { instance, ...(cursor !== undefined ? { cursor } : {}), ...(state?.lastTickAt !== undefined ? { lastTickAt: state.lastTickAt } : {}) });
    return c.json({ ...result, cursorBefore: cursor ?? null });
  });
  app.post("/automation/sensor/:name/cursor", async (c) => {
    const { cursor } = parseWith(sensorCursorRequest, await c.req.json().catch(() => undefined), "cursor request");
    await setSensorCursor(definitions, instance, c.req.param("name"), cursor ?? undefined);
    return c.json({ name: c.req.param("name"), cursor });
  });

  // A backfill over the launchpad's selection or job: the partitions are resolved on the server (e.g. every missing one).
  app.post("/backfills", async (c) => {
    const body = parseWith(backfillRequest, await c.req.json().catch(() => undefined), "backfill request");
    // As at launch: a bad config is refused here, not by every one of the backfill's runs.
    if (body.config !== undefined) checkRunConfig(definitions, { job: body.job, steps: () => plannedSteps(definitions, body) }, body.config);
    const record = await launchBackfill(definitions, instance, {
      ...(body.selection !== undefined ? { selection: body.selection } : {}),
      ...(body.job !== undefined ? { jobName: body.job } : {}),
      partitions: body.partitions,
      tags: body.tags,
      ...(body.config !== undefined ? { runConfig: body.config } : {}),
    });
    return c.json({ backfillId: record.backfillId, unitCount: record.units.length }, 201);
  });

  app.get("/backfills", async (c) => {
    const backfills = await instance.listBackfills({ limit: 100 });
    const rows = await Promise.all(backfills.map(async (b) => ({ ...(({ units, ...rest }) => ({ ...rest, unitCount: units.length }))(b), counts: (await backfillProgress(instance, b.backfillId)).counts })));
    return c.json({ backfills: rows });
  });
  app.get("/backfills/:id", async (c) => c.json(await backfillProgress(instance, c.req.param("id"))));
  app.post("/backfills/:id/cancel", async (c) => c.json({ backfillId: c.req.param("id"), status: await cancelBackfill(instance, c.req.param("id")) }));
  return app;
}

function instigatorKind(text: string): InstigatorKind {
  // Anything else is refused by findInstigator's lookup of the sensors map, naming the known sensors.
  return text === "schedule" || text === "schedules" ? "schedule" : "sensor";
}
