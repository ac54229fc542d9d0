import { defineResource } from "@orch/core";
import { z } from "zod";
import { createSparkSubmit, type SparkSubmitClient } from "./spark-submit.ts";

const confValue = z.union([z.string(), z.number(), z.boolean()]);

const configSchema = z
  .object({
    sparkHome: z.string().min(1).optional(),
    sparkSubmitPath: z.string().min(1).optional(),
    master: z.string().min(1).default("local[*]"),
    deployMode: z.enum(["client", "cluster"]).default("client"),
    conf: z.record(z.string(), confValue).optional(),
    jars: z.array(z.string().min(1)).optional(),
    packages: z.array(z.string().regex(/^[^:,\s]+:[^:,\s]+:[^:,\s]+$/, "groupId:artifactId:version")).optional(),
    pyFiles: z.array(z.string().min(1)).optional(),
    env: z.record(z.string(), z.string()).optional(),
    pipesDir: z.string().min(1).optional(),
    killGraceMs: z.number().int().nonnegative().optional(),
  })
  .refine((c) => !(c.sparkHome && c.sparkSubmitPath), { message: "set sparkHome or sparkSubmitPath, not both" });

/**
 * The `spark` resource: `resources: { spark: sparkSubmitResource({ sparkHome: "/opt/spark", master: "yarn" }) }`.
 * sparkAsset (or your compute, through `resources.spark.run(context, ...)`) submits applications with it.
 */
export const sparkSubmitResource = defineResource<SparkSubmitClient, typeof configSchema>({
  description: "Runs spark-submit (never through a shell) with the orch Pipes context for the driver.",
  config: configSchema,
  create: (config) => createSparkSubmit(config),
});
