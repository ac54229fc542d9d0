import { definePlugin } from "@orch/core";
import { threadsExecutorConfigSchema, type ThreadsExecutorOptions } from "./options.ts";
import { threadsExecutor } from "./threads-executor.ts";

/** Registers `executor: threads` for orch.yaml and per-job `executor` settings. */
export const threadsPlugin = definePlugin({
  name: "threads",
  core: "^0.1.0",
  executors: {
    threads: {
      description: "Runs steps on a pool of worker threads (piscina); frames cross threads as transferred Arrow IPC.",
      config: threadsExecutorConfigSchema,
      // The registry validates `config` with the schema above before calling create.
      create: (config, context) => threadsExecutor({ baseDir: context.baseDir, ...(config as ThreadsExecutorOptions) }),
    },
  },
});
