export { sqliteStorage, type SqliteStorage, type SqliteStorageOptions, type SqliteStorageStats } from "./sqlite-storage.ts";
export { sqliteStorageFromHome, defaultInstanceDir } from "./home.ts";
export { sqlitePlugin } from "./plugin.ts";
export type { Durability } from "./connection.ts";
export type { RetentionOptions } from "./retention.ts";
export { MIGRATIONS, LATEST_SCHEMA_VERSION } from "./migrations.ts";
/** The shape of a schema step, as core defines it for every SQL storage. */
export type { SchemaMigration as Migration } from "@orch/core";
