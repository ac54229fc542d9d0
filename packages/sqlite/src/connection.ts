import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { ErrorCode, OrchError } from "@orch/core";
import { migrate } from "./migrations.ts";

/**
 * How far an acknowledged write survives. `"process"` (WAL + synchronous=NORMAL): a write whose promise
 * resolved survives the process being killed, since the WAL frame is in the OS page cache; an OS crash or
 * power loss may lose the last commits. `"power"` (WAL + synchronous=FULL): the WAL is fsynced on every
 * commit, so acknowledged writes survive power loss too, at the cost of an fsync per batch.
 */
export type Durability = "process" | "power";

/** An open database with a cache of prepared statements keyed by their SQL. */
export interface Connection {
  readonly db: Database.Database;
  readonly path: string;
  stmt(sql: string): Database.Statement;
}

export function openConnection(path: string, durability: Durability): Connection {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(path);
    // Another process (the daemon, a CLI) may hold the write lock briefly; wait rather than fail.
    db.pragma("busy_timeout = 5000");
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${durability === "power" ? "FULL" : "NORMAL"}`);
    // With synchronous=NORMAL the fsyncs happen at checkpoints, so checkpoint every ~40 MB of WAL rather than
    // SQLite's default 4 MB: ten times fewer fsyncs on the write path. The WAL file is cut back to 64 MB after.
    db.pragma("wal_autocheckpoint = 10000");
    db.pragma("journal_size_limit = 67108864");
  } catch (error) {
    throw new OrchError(ErrorCode.STORAGE_ERROR, `Could not open the instance database ${path}: ${(error as Error).message}`, {
      pkg: "sqlite",
      cause: error,
    });
  }
  try {
    migrate(db, path);
  } catch (error) {
    db.close();
    throw error;
  }
  const statements = new Map<string, Database.Statement>();
  return {
    db,
    path,
    stmt(sql: string): Database.Statement {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = db.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
