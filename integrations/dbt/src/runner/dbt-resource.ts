import { defineResource } from "@orch/core";
import { z } from "zod";
import { createDbtRunner, type DbtRunner } from "./dbt-runner.ts";

const configSchema = z.object({
  projectDir: z.string().min(1),
  profilesDir: z.string().optional(),
  target: z.string().optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
  executable: z.string().optional(),
  threads: z.number().int().positive().optional(),
  env: z.record(z.string(), z.string()).optional(),
  partitionVars: z.object({ start: z.string(), end: z.string() }).optional(),
  targetPath: z.string().optional(),
  killGraceMs: z.number().int().nonnegative().optional(),
  maxSelectArgs: z.number().int().nonnegative().optional(),
});

/** The `dbt` resource: `resources: { dbt: dbtResource({ projectDir: "." }) }`; dbtAssets runs `dbt build` through it. */
export const dbtResource = defineResource<DbtRunner, typeof configSchema>({
  description: "Runs dbt build as a subprocess and streams its structured logs.",
  config: configSchema,
  create: (config) => createDbtRunner(config),
});
