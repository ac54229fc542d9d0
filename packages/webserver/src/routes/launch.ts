import { Hono } from "hono";
import { buildPlan, buildQueuedRun, enqueueRun, resolveRunConfig, type QueuedRunSpec } from "@orch/core";
import type { ServerContext } from "../context.ts";
import { launchRequest } from "../schemas.ts";
import { parseWith } from "../validate.ts";

/** Launch: the selection or job, partition, tags and run config are all refused here, before anything is queued. */
export function launchRoutes(ctx: ServerContext): Hono {
  const app = new Hono();
  const { definitions, instance } = ctx;
  app.post("/launch", async (c) => {
    const body = parseWith(launchRequest, await c.req.json().catch(() => undefined), "launch request");
    const spec: QueuedRunSpec = {
      ...(body.selection !== undefined ? { selection: body.selection } : {}),
      ...(body.job !== undefined ? { jobName: body.job } : {}),
      ...(body.partition !== undefined ? { partitionKey: body.partition } : {}),
      ...(body.partitionRange !== undefined ? { partitionRange: body.partitionRange } : {}),
      ...(body.config !== undefined ? { runConfig: body.config } : {}),
      tags: body.tags,
    };
    // Planning refuses a bad selection (with its caret), job or partition; the config is checked against the plan's steps.
    const planned = await buildQueuedRun(definitions, instance, spec);
    const job = spec.jobName !== undefined ? definitions.jobs.get(spec.jobName) : undefined;
    const steps = job?.ops ? job.ops.steps : buildPlan(definitions, { assetKeys: new Set(planned.assetKeys) }).steps;
    resolveRunConfig(definitions, steps, spec.runConfig);
    const { runId } = await enqueueRun(definitions, instance, spec);
    return c.json({ runId, status: "QUEUED" }, 201);
  });
  return app;
}
