export { postgresStorage, type PostgresStorage, type PostgresStorageOptions, type PostgresStorageStats } from "./postgres-storage.ts";
export { postgresPlugin } from "./plugin.ts";
export type { Durability } from "./event-writer.ts";
export { MIGRATIONS, LATEST_SCHEMA_VERSION, migrate, type Migration } from "./migrations.ts";
export { queueExecutor, type QueueExecutorOptions } from "./queue-executor.ts";
export { jobQueueDistribution, RUN_TASK } from "./distribution.ts";
export { STEP_TASK } from "./step-queue.ts";
