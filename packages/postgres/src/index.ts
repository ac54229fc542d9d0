export { postgresStorage, type PostgresStorage, type PostgresStorageOptions, type PostgresStorageStats } from "./postgres-storage.ts";
export { postgresPlugin } from "./plugin.ts";
export type { Durability } from "./event-writer.ts";
export { MIGRATIONS, LATEST_SCHEMA_VERSION, migrate } from "./migrations.ts";
/** The shape of a schema step, as core defines it for every SQL storage. */
export type { SchemaMigration as Migration } from "@orch/core";
export { queueExecutor, type QueueExecutorOptions } from "./queue-executor.ts";
export { jobQueueDistribution, RUN_TASK } from "./distribution.ts";
export { STEP_TASK } from "./step-queue.ts";
