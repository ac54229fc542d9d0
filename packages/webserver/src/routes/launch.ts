import { Hono } from "hono";
import { buildPlan, buildQueuedRun, didYouMean, enqueueRun, ErrorCode, OrchError, resolveRunConfig, selectAssetKeys, type QueuedRunSpec } from "@orch/core";
import type { ServerContext } from "../context.ts";
import { z } from "zod";
import { launchRequest, scaffoldQuery } from "../schemas.ts";
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

  // The launchpad's editor: the JSON Schema of each planned step's config (from its zod schema) and a scaffold
  // with the defaults filled in, so the user edits a config that already has the right shape.
  app.get("/launch/config", async (c) => {
    const q = parseWith(scaffoldQuery, c.req.query(), "config query");
    const job = q.job !== undefined ? definitions.jobs.get(q.job) : undefined;
    if (q.job !== undefined && !job) {
      throw new OrchError(ErrorCode.UNKNOWN_JOB, `Unknown job "${q.job}". Jobs: ${[...definitions.jobs.keys()].join(", ") || "(none)"}.${didYouMean(q.job, definitions.jobs.keys())}`, { pkg: "webserver" });
    }
    // No partition is needed to know the steps (and so the config) a selection runs.
    const steps = job?.ops ? job.ops.steps : buildPlan(definitions, { assetKeys: selectAssetKeys(definitions, job?.selection ?? q.selection) }).steps;
    const scaffold: Record<string, Record<string, { config: unknown }>> = {};
    const schemas: Record<string, unknown> = {};
    for (const nodeId of new Set(steps.map((s) => s.nodeId))) {
      const node = definitions.graph.nodes.get(nodeId);
      if (!node?.configSchema) continue;
      const section = node.nodeKind === "op" ? "ops" : "assets";
      const defaults = node.configSchema.safeParse({});
      (scaffold[section] ??= {})[nodeId] = { config: defaults.success ? defaults.data : {} };
      schemas[`${section}.${nodeId}.config`] = z.toJSONSchema(node.configSchema, { unrepresentable: "any", io: "input" });
    }
    return c.json({ scaffold, schemas });
  });
  return app;
}
