export { postgresStorage, type PostgresStorage, type PostgresStorageOptions, type PostgresStorageStats } from "./postgres-storage.ts";
export { postgresPlugin } from "./plugin.ts";
export { MIGRATIONS, LATEST_SCHEMA_VERSION, migrate, type Migration } from "./migrations.ts";
