import { availableParallelism } from "node:os";
import { z } from "zod";
import { formatZodIssues, OrchError } from "@orch/core";

const positiveInt = z.number().int().positive();

/** The `threads` executor's config, as written in orch.yaml (`executor: { threads: { ... } }`) or passed in code. */
export const threadsExecutorConfigSchema = z
  .object({
    /** Worker threads in the pool. Default: available cores. */
    maxThreads: positiveInt.optional(),
    /** Threads kept alive even when idle. Default: maxThreads (workers keep their resources for the whole run). */
    minThreads: z.number().int().nonnegative().optional(),
    /** Idle threads above minThreads exit after this long. */
    idleTimeoutMs: z.number().int().nonnegative().default(60_000),
    /** Per-worker V8 limits; a step that exceeds them fails with an out-of-memory reason and its worker is replaced. */
    resourceLimits: z
      .object({
        maxOldGenerationSizeMb: z.number().positive(),
        maxYoungGenerationSizeMb: z.number().positive(),
        codeRangeSizeMb: z.number().positive(),
        stackSizeMb: z.number().positive(),
      })
      .partial()
      .strict()
      .optional(),
    /** At most `limit` steps whose tag `key` (equal to `value`, when given) run at once across the run. */
    tagConcurrencyLimits: z.array(z.object({ key: z.string().min(1), value: z.string().optional(), limit: positiveInt }).strict()).default([]),
    /** At most `limit` steps of a kind at once: a node kind (`asset`, `op`, ...) or an asset kind (`polars`, `sql`). */
    kindConcurrencyLimits: z.array(z.object({ kind: z.string().min(1), limit: positiveInt }).strict()).default([]),
    /** After cancellation, how long a step may take to stop on its own before its worker is terminated. */
    cancelGraceMs: z.number().int().nonnegative().default(2_000),
    /** Modules whose default export is a ValueCodec, for values other than polars DataFrames and Arrow tables. */
    codecs: z.array(z.string().min(1)).default([]),
    /** Keep the pool (and each worker's resources) across runs; call the executor's teardown() when done. */
    sharedPool: z.boolean().default(false),
    /** Project directory for IO managers created in workers. Default: cwd. */
    baseDir: z.string().optional(),
    /** Extra environment variables for workers. */
    env: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export type ThreadsExecutorOptions = z.input<typeof threadsExecutorConfigSchema>;

export interface ThreadsExecutorConfig extends z.output<typeof threadsExecutorConfigSchema> {
  readonly maxThreads: number;
  readonly minThreads: number;
  readonly baseDir: string;
}

/** Validates options and fills in defaults that depend on the machine. */
export function parseThreadsConfig(options: unknown): ThreadsExecutorConfig {
  const parsed = threadsExecutorConfigSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const issues = formatZodIssues(parsed.error.issues, "threads");
    throw new OrchError("INVALID_PLUGIN_CONFIG", `Invalid threads executor config:\n  ${issues.join("\n  ")}`, { pkg: "threads", details: { issues } });
  }
  const cores = availableParallelism();
  const maxThreads = parsed.data.maxThreads ?? cores;
  const minThreads = Math.min(parsed.data.minThreads ?? maxThreads, maxThreads);
  return {
    ...parsed.data,
    maxThreads,
    minThreads,
    baseDir: parsed.data.baseDir ?? process.cwd(),
  };
}
