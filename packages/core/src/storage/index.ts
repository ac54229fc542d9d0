export { memoryStorage } from "./memory-storage.ts";
export { DEFAULT_RUN_LIMIT, runMatchesFilter } from "./run-filter.ts";
export { assertRunTakesEvents, timerHeartbeat } from "./run-fence.ts";
export {
  assetIndexEntries,
  assetIndexEventIds,
  decodeEvent,
  decodeRun,
  encodeEvent,
  encodeRun,
  type AssetIndexRow,
  type EventColumns,
  type EventRow,
  type RunRow,
} from "./row-codecs.ts";
export { HeartbeatThread, type HeartbeatThreadMessage } from "./thread-heartbeat.ts";
export type { SchemaMigration } from "./schema-migration.ts";
