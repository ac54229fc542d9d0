export { memoryStorage } from "./memory-storage.ts";
export { DEFAULT_RUN_LIMIT, runMatchesFilter } from "./run-filter.ts";
export { assertRunTakesEvents, timerHeartbeat } from "./run-fence.ts";
