import { definePlugin, resolveEnvRefs } from "@orch/core";
import { z } from "zod";
import { postgresStorage } from "./postgres-storage.ts";

const envRef = z.object({ env: z.string().min(1), default: z.string().optional() }).strict();

const config = z.object({
  /** `postgres://...`, usually `{ env: ORCH_PG_URL }` so the password stays out of orch.yaml. */
  url: z.union([z.string().min(1), envRef]),
  schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "a lower-case identifier").default("orch"),
  poolSize: z.number().int().positive().default(10),
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
        const storage = postgresStorage({ url, schema: options.schema, poolSize: options.poolSize });
        await storage.ready();
        return storage;
      },
    },
  },
});
