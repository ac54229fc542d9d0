/** What partition definitions can read from the instance (dynamic partition keys). */
export interface PartitionsContext {
  readonly dynamicPartitions: (name: string) => Promise<readonly string[]>;
  /** "Now" for time windows, injectable for tests. */
  readonly now?: Date;
}

export interface TimeWindow {
  /** Inclusive start, ISO 8601 with offset. */
  readonly start: string;
  /** Exclusive end. */
  readonly end: string;
}

/**
 * How an asset is split into partitions. Implementations: static, time-window, dynamic, multi
 * (see `partitions/`).
 */
export interface PartitionsDefinition {
  readonly kind: "orch.partitions";
  /** `static`, `time`, `dynamic`, `multi`: used to refuse incompatible mappings. */
  readonly type: string;
  /** A short description for messages, e.g. `daily from 2024-01-01 (UTC)`. */
  readonly description: string;
  getKeys(context: PartitionsContext): Promise<readonly string[]>;
  /** The time window a key covers, for time-based partitions. */
  timeWindow?(key: string): TimeWindow | undefined;
}
