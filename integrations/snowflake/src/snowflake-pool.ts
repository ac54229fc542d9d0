// Connection pools shared by everything in a run that names the same connection (the resource and the IO
// manager), closed when the last user lets go.
import { connectionOptions, describeConnection, type SnowflakeConfig } from "./snowflake-config.ts";
import { describeSnowflakeError } from "./snowflake-errors.ts";
import { createPool, type Pool } from "generic-pool";
import { loadSnowflakeSdk, type SnowflakeConnection, type SnowflakeSdk, type SnowflakeStatement } from "./load-snowflake-sdk.ts";

export interface StatementOutcome {
  readonly rows: Record<string, unknown>[];
  readonly queryId: string;
  readonly rowsAffected?: number;
}

/** A driver error restated with the connection's name and Snowflake's code and message. */
export class SnowflakeStatementError extends Error {
  readonly code: string | undefined;
  readonly sqlState: string | undefined;
  readonly queryId: string | undefined;
  readonly canceled: boolean;
  constructor(connection: string, cause: unknown, what: string) {
    const described = describeSnowflakeError(cause);
    super(`${connection}: ${what}: ${described.text}`, { cause });
    this.name = "SnowflakeStatementError";
    this.code = described.code;
    this.sqlState = described.sqlState;
    this.queryId = described.queryId;
    this.canceled = described.code === "000604" || /cancel/i.test(described.text);
  }
}

export interface SharedPool {
  readonly description: string;
  readonly config: SnowflakeConfig;
  /** Runs `work` on one connection of the pool (a session: its transaction and QUERY_TAG stay with it). */
  withConnection<T>(work: (connection: SnowflakeSession) => Promise<T>): Promise<T>;
  release(): Promise<void>;
}

export interface SnowflakeSession {
  /** Runs one statement; `tag` becomes the session's QUERY_TAG first; `signal` cancels it on the server. */
  execute(sqlText: string, binds?: readonly unknown[], options?: { tag?: string; signal?: AbortSignal }): Promise<StatementOutcome>;
}

interface Entry {
  readonly pool: Promise<Pool<SnowflakeConnection>>;
  users: number;
}

const pools = new Map<string, Entry>();
const tags = new WeakMap<SnowflakeConnection, string>();

export function acquirePool(config: SnowflakeConfig): SharedPool {
  const key = JSON.stringify(config);
  let entry = pools.get(key);
  if (!entry) {
    entry = { pool: loadSnowflakeSdk().then((sdk) => connectionPool(sdk, config)), users: 0 };
    pools.set(key, entry);
  }
  entry.users++;
  const shared = entry;
  const description = describeConnection(config);
  let released = false;
  return {
    description,
    config,
    async withConnection(work) {
      const pool = await shared.pool;
      let connection: SnowflakeConnection;
      try {
        connection = await pool.acquire();
      } catch (cause) {
        throw new SnowflakeStatementError(description, cause, "could not connect");
      }
      try {
        return await work(sessionOn(connection, description));
      } finally {
        await pool.release(connection);
      }
    },
    async release() {
      if (released) return;
      released = true;
      if (--shared.users > 0) return;
      if (pools.get(key) === shared) pools.delete(key);
      const pool = await shared.pool.catch(() => undefined);
      if (pool) {
        await pool.drain();
        await pool.clear();
      }
    },
  };
}

/**
 * generic-pool, as snowflake-sdk's own createPool uses it, but with a factory that keeps the driver's error (its
 * code, e.g. 390100 for bad credentials) where the SDK's factory keeps only the message. A failed login rejects the
 * waiting acquires instead of being retried forever (the SDK drains the same private queue).
 */
function connectionPool(sdk: SnowflakeSdk, config: SnowflakeConfig): Pool<SnowflakeConnection> {
  const options = connectionOptions(config);
  const pool = createPool<SnowflakeConnection>(
    {
      create: () => new Promise((resolve, reject) => sdk.createConnection(options).connect((error, connection) => (error ? reject(error) : resolve(connection)))),
      destroy: (connection) => new Promise<void>((resolve) => connection.destroy(() => resolve())),
    },
    { max: config.poolSize, min: 0 },
  );
  pool.on("factoryCreateError", (error) => {
    const waiting = (pool as unknown as { _waitingClientsQueue: { dequeue(): { reject(e: unknown): void } | undefined } })._waitingClientsQueue;
    for (let request = waiting.dequeue(); request; request = waiting.dequeue()) request.reject(error);
  });
  return pool;
}

function sessionOn(connection: SnowflakeConnection, description: string): SnowflakeSession {
  return {
    async execute(sqlText, binds, options = {}) {
      if (options.tag !== undefined && tags.get(connection) !== options.tag) {
        await run(connection, description, `ALTER SESSION SET QUERY_TAG = '${options.tag.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`);
        tags.set(connection, options.tag);
      }
      return run(connection, description, sqlText, binds, options.signal);
    },
  };
}

function run(connection: SnowflakeConnection, description: string, sqlText: string, binds?: readonly unknown[], signal?: AbortSignal): Promise<StatementOutcome> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new SnowflakeStatementError(description, new Error("000604: SQL execution canceled (before it started)"), "statement canceled"));
      return;
    }
    let statement: SnowflakeStatement | undefined;
    const abort = () => statement?.cancel(() => undefined);
    signal?.addEventListener("abort", abort, { once: true });
    statement = connection.execute({
      sqlText,
      ...(binds !== undefined && binds.length > 0 ? { binds: binds as unknown[] } : {}),
      complete: (error, done, rows) => {
        signal?.removeEventListener("abort", abort);
        if (error) {
          reject(new SnowflakeStatementError(description, error, signal?.aborted ? "statement canceled" : "statement failed"));
          return;
        }
        const updated = done.getNumUpdatedRows();
        resolve({ rows: rows ?? [], queryId: done.getQueryId(), ...(updated !== undefined && updated >= 0 ? { rowsAffected: updated } : {}) });
      },
    });
  });
}
