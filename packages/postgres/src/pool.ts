import pg from "pg";

const INT8_OID = 20;

/** BIGINT columns (times in ms, event ids) come back as numbers: every value orch stores fits in 2^53. */
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as "text");
  },
} as pg.CustomTypesConfig;

export interface PoolOptions {
  readonly url: string;
  readonly schema: string;
  /** Connections kept open; default 10. */
  readonly poolSize?: number;
}

/** A pool whose connections resolve unqualified names in `schema` (set at connect time, no extra round trip). */
export function openPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    options: `-c search_path=${options.schema}`,
    types,
    application_name: "orch",
  });
  // An idle connection the server dropped must not crash the process; the next query opens a fresh one.
  pool.on("error", () => undefined);
  return pool;
}

/** A single connection outside the pool (LISTEN, advisory locks held for a process's lifetime). */
export function openClient(options: PoolOptions & { readonly keepAlive?: boolean }): pg.Client {
  const client = new pg.Client({
    connectionString: options.url,
    options: `-c search_path=${options.schema}`,
    types,
    application_name: "orch",
    ...(options.keepAlive ? { keepAlive: true, keepAliveInitialDelayMillis: 1_000 } : {}),
  });
  client.on("error", () => undefined);
  return client;
}
