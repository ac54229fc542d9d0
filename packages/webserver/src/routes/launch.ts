import { Hono } from "hono";
import { buildPlan, buildQueuedRun, checkJobRunConfig, didYouMean, enqueueRun, ErrorCode, OrchError, resolveRunConfig, selectAssetKeys, type Definitions, type PlannedStep, type QueuedRunSpec } from "@orch/core";
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
    checkRunConfig(definitions, { job: body.job, steps: () => buildPlan(definitions, { assetKeys: new Set(planned.assetKeys) }).steps }, spec.runConfig);
    const { runId } = await enqueueRun(definitions, instance, spec);
    return c.json({ runId, status: "QUEUED" }, 201);
  });

  // The launchpad's editor: the JSON Schema of each planned step's config (from its zod schema) and a scaffold
  // with the defaults filled in, so the user edits a config that already has the right shape.
  app.get("/launch/config", async (c) => {
    const q = parseWith(scaffoldQuery, c.req.query(), "config query");
    const steps = plannedSteps(definitions, q);
    const scaffold: Record<string, Record<string, { config: unknown }>> = {};
    const schemas: Record<string, Record<string, unknown>> = {};
    const nodes: Record<"assets" | "ops", Record<string, unknown>> = { assets: {}, ops: {} };
    for (const nodeId of new Set(steps.map((s) => s.nodeId))) {
      const node = definitions.graph.nodes.get(nodeId);
      if (!node) continue;
      const section = node.nodeKind === "op" ? "ops" : "assets";
      // Op config is keyed by the op's path in its job (`ops.<path>`), as runJob reads it, not by its node id.
      const key = section === "ops" && q.job !== undefined && nodeId.startsWith(`${q.job}.`) ? nodeId.slice(q.job.length + 1) : nodeId;
      if (!node.configSchema) {
        // As resolveRunConfig: a planned step without a config schema takes no config.
        nodes[section][key] = { type: "object", properties: {}, additionalProperties: false };
        continue;
      }
      const defaults = node.configSchema.safeParse({});
      (scaffold[section] ??= {})[key] = { config: defaults.success ? defaults.data : {} };
      const schema = configJsonSchema(node.configSchema);
      schemas[`${section}.${key}.config`] = schema;
      const { $schema: _dialect, ...embedded } = schema;
      nodes[section][key] = { type: "object", properties: { config: { $id: `urn:orch:config:${section}:${encodeURIComponent(key)}`, ...embedded } }, additionalProperties: false };
    }
    return c.json({ scaffold, schemas, schema: runConfigJsonSchema(nodes) });
  });
  return app;
}

/**
 * Refuses a run config before anything is queued, read as the run will read it: an op job's by op path
 * (`ops.<path>`), otherwise against the planned steps.
 */
export function checkRunConfig(definitions: Definitions, target: { readonly job?: string | undefined; readonly steps: () => readonly PlannedStep[] }, config: unknown): void {
  const job = target.job !== undefined ? definitions.jobs.get(target.job) : undefined;
  if (job?.ops) checkJobRunConfig(definitions, job, config);
  else resolveRunConfig(definitions, target.steps(), config);
}

/** The steps a job or selection runs, known without a partition (and so the config it takes). */
export function plannedSteps(definitions: Definitions, target: { readonly job?: string | undefined; readonly selection?: string | undefined }): readonly PlannedStep[] {
  const job = target.job !== undefined ? definitions.jobs.get(target.job) : undefined;
  if (target.job !== undefined && !job) {
    throw new OrchError(ErrorCode.UNKNOWN_JOB, `Unknown job "${target.job}". Jobs: ${[...definitions.jobs.keys()].join(", ") || "(none)"}.${didYouMean(target.job, definitions.jobs.keys())}`, { pkg: "webserver" });
  }
  return job?.ops ? job.ops.steps : buildPlan(definitions, { assetKeys: selectAssetKeys(definitions, job?.selection ?? target.selection) }).steps;
}

/**
 * A config schema as JSON Schema (what the user writes: `io: "input"`). orch refuses unknown keys even in plain zod
 * objects (parseKnownKeys), so those say `additionalProperties: false` too; loose objects and catchalls keep theirs.
 */
function configJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, {
    unrepresentable: "any",
    io: "input",
    override: (ctx) => {
      const def = (ctx.zodSchema as unknown as { _zod: { def: { type: string; catchall?: unknown } } })._zod.def;
      if (def.type === "object" && def.catchall === undefined && ctx.jsonSchema.additionalProperties === undefined) ctx.jsonSchema.additionalProperties = false;
    },
  }) as Record<string, unknown>;
}

/**
 * The whole run config document the launchpad edits (`{ assets, ops, resources }`), for validation as the user
 * types: the planned steps' configs (each its own schema resource, so its `$defs` resolve). Assets and ops outside
 * the plan and resource overrides are left to the server's check, which stays the authority.
 */
function runConfigJsonSchema(nodes: Record<"assets" | "ops", Record<string, unknown>>): Record<string, unknown> {
  const section = (properties: Record<string, unknown>) => ({ type: "object", properties, additionalProperties: { type: "object", properties: { config: {} }, additionalProperties: false } });
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: { assets: section(nodes.assets), ops: section(nodes.ops), resources: { type: "object", additionalProperties: { type: "object", properties: { config: {} }, additionalProperties: false } } },
    additionalProperties: false,
  };
}