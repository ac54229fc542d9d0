/** One step of a SQL storage's schema (@orch/sqlite, @orch/postgres): applied in order, recorded by version. */
export interface SchemaMigration {
  /** The schema version this step produces; versions run 1, 2, 3, ... with no gaps. */
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}
