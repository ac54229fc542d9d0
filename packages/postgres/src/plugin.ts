import { definePlugin, resolveEnvRefs } from "@orch/core";
import { z } from "zod";
import { postgresStorage } from "./postgres-storage.ts";
import { queueExecutor } from "./queue-executor.ts";

const envRef = z.object({ env: z.string().min(1), default: z.string().optional() }).strict();

const config = z.object({
  /** `postgres://...`, usually `{ env: ORCH_PG_URL }` so the password stays out of orch.yaml. */
  url: z.union([z.string().min(1), envRef]),
  schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "a lower-case identifier").default("orch"),
  poolSize: z.number().int().positive().default(10),
  /** `process`: event appends survive killed orch processes; `power`: also a server crash (WAL flushed per append). */
  durability: z.enum(["process", "power"]).default("process"),
});

const executorConfig = z.object({
  /** The same database as the storage; default `{ env: ORCH_PG_URL }`. */
  url: z.union([z.string().min(1), envRef]).default({ env: "ORCH_PG_URL" }),
  schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "a lower-case identifier").default("orch"),
  maxConcurrency: z.number().int().positive().default(64),
  /** A step whose worker has not beaten for this long fails. */
  staleAfterMs: z.number().int().positive().default(30_000),
});

/** Registers the `postgres` instance storage, picked in `orch.yaml` with `storage: { type: postgres, config: { url } }`. */
export const postgresPlugin = definePlugin({
  name: "postgres",
  core: "^0.1.0",
  storages: {
    postgres: {
      description: "Runs, events, the asset index and automation state in a PostgreSQL schema shared by many hosts.",
      config,
      async create(options: z.output<typeof config>) {
        const url = resolveEnvRefs(options.url, "storage.config.url").value as string;
        const storage = postgresStorage({ url, schema: options.schema, poolSize: options.poolSize, durability: options.durability });
        await storage.ready();
        return storage;
      },
    },
  },
  executors: {
    queue: {
      description: "Each step of a run as a job that any `orch worker` takes (outputs through IO managers every host reaches).",
      config: executorConfig,
      create(options: z.output<typeof executorConfig>) {
        const url = resolveEnvRefs(options.url, "executor.config.url").value as string;
        return queueExecutor({ url, schema: options.schema, maxConcurrency: options.maxConcurrency, staleAfterMs: options.staleAfterMs });
      },
    },
  },
});
