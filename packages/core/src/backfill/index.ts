export * from "./backfill.ts";
export { backfillUnits, type BackfillPartitions } from "./backfill-units.ts";
export { BACKFILL_TAG, DEFAULT_BACKFILL_CHUNK } from "./submit-backfill.ts";
