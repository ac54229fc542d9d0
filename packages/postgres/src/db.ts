import type pg from "pg";
import { ErrorCode, OrchError } from "@orch/core";

/** Runs one statement and returns its rows (and how many rows it changed). */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
}

export interface Db extends Queryable {
  /** BEGIN ... COMMIT on one pooled connection, ROLLBACK when `fn` throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

function wrap(error: unknown, sql: string): unknown {
  if (error instanceof OrchError) return error;
  const first = sql.trim().split(/\s+/).slice(0, 3).join(" ");
  return new OrchError(ErrorCode.STORAGE_ERROR, `PostgreSQL storage query "${first} …" failed: ${(error as Error).message}`, { pkg: "postgres", cause: error });
}

function queryable(target: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []) {
      try {
        return (await target.query(sql, params as unknown[])).rows as R[];
      } catch (error) {
        throw wrap(error, sql);
      }
    },
    async execute(sql: string, params: readonly unknown[] = []) {
      try {
        return (await target.query(sql, params as unknown[])).rowCount ?? 0;
      } catch (error) {
        throw wrap(error, sql);
      }
    },
  };
}

export function createDb(pool: pg.Pool): Db {
  return {
    ...queryable(pool),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(queryable(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}
