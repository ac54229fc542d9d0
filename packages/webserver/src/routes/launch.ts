import { Hono } from "hono";
import { buildPlan, buildQueuedRun, didYouMean, enqueueRun, ErrorCode, OrchError, resolveRunConfig, selectAssetKeys, type Definitions, type PlannedStep, type QueuedRunSpec } from "@orch/core";
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
    const steps = plannedSteps(definitions, q);
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

/** The steps a job or selection runs, known without a partition (and so the config it takes). */
export function plannedSteps(definitions: Definitions, target: { readonly job?: string | undefined; readonly selection?: string | undefined }): readonly PlannedStep[] {
  const job = target.job !== undefined ? definitions.jobs.get(target.job) : undefined;
  if (target.job !== undefined && !job) {
    throw new OrchError(ErrorCode.UNKNOWN_JOB, `Unknown job "${target.job}". Jobs: ${[...definitions.jobs.keys()].join(", ") || "(none)"}.${didYouMean(target.job, definitions.jobs.keys())}`, { pkg: "webserver" });
  }
  return job?.ops ? job.ops.steps : buildPlan(definitions, { assetKeys: selectAssetKeys(definitions, job?.selection ?? target.selection) }).steps;
}
