import { isAbsolute, join } from "node:path";
import { definePlugin } from "@orch/core";
import { z } from "zod";
import { sqliteStorage } from "./sqlite-storage.ts";

const config = z.object({
  /** Relative paths are resolved against the instance home; default `<home>/orch.db`. */
  path: z.string().min(1).optional(),
  durability: z.enum(["process", "power"]).default("process"),
  retention: z
    .object({
      maxAgeDays: z.number().positive().optional(),
      maxEventRows: z.number().int().positive().optional(),
      checkEveryEvents: z.number().int().positive().optional(),
    })
    .optional(),
});

/** Registers the `sqlite` instance storage, picked in `orch.yaml` with `storage: { type: sqlite, ... }`. */
export const sqlitePlugin = definePlugin({
  name: "sqlite",
  core: "^0.1.0",
  storages: {
    sqlite: {
      description: "Runs, events and the asset index in one SQLite file (WAL).",
      config,
      create(options: z.output<typeof config>, context) {
        const path = options.path ?? "orch.db";
        return sqliteStorage({
          path: isAbsolute(path) || path === ":memory:" ? path : join(context.instanceDir, path),
          durability: options.durability,
          ...(options.retention ? { retention: options.retention } : {}),
        });
      },
    },
  },
});
