import { resolve } from "node:path";
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { duckdbError } from "./duckdb-errors.ts";

export interface DuckDBOpenOptions {
  /** A file path (relative to the working directory) or `:memory:`. */
  readonly path: string;
  readonly readOnly?: boolean;
  /** DuckDB settings passed when the database opens (`threads`, `memory_limit`, ...). */
  readonly config?: Readonly<Record<string, string>>;
}

/** One open DuckDB database shared by everything in this process that names the same file. */
export interface DuckDBDatabase {
  readonly path: string;
  readonly readOnly: boolean;
  readonly instance: DuckDBInstance;
  /** A new connection: each has its own transaction; close it with `closeSync()` (the last release closes any left). */
  connect(): Promise<DuckDBConnection>;
  /** Gives this handle back; the database closes when the last handle is released. */
  release(): void;
}

interface Shared {
  readonly instance: Promise<DuckDBInstance>;
  readonly readOnly: boolean;
  users: number;
  /** Open connections: closed with the database, which otherwise stays open (and locked) while one lives. */
  readonly connections: Set<DuckDBConnection>;
}

// DuckDB allows one writer process per file, and within the process one instance must serve every connection
// (a second instance on the same file would take the lock again). Steps of a run, resources and IO managers
// that name the same file therefore share one instance here.
const open = new Map<string, Shared>();

export async function openDuckDB(options: DuckDBOpenOptions): Promise<DuckDBDatabase> {
  const path = options.path === ":memory:" ? ":memory:" : resolve(options.path);
  const readOnly = options.readOnly ?? false;
  // In-memory databases are private to whoever opens them.
  const key = path === ":memory:" ? Symbol("memory") : path;
  let shared = typeof key === "string" ? open.get(key) : undefined;
  if (shared && shared.readOnly && !readOnly) {
    throw duckdbError("DUCKDB_OPEN_FAILED", `DuckDB file ${path} is already open read-only in this process; open it with readOnly: true, or open it for writing first.`);
  }
  if (!shared) {
    shared = { instance: createInstance(path, readOnly, options.config ?? {}), readOnly, users: 0, connections: new Set() };
    if (typeof key === "string") open.set(key, shared);
    shared.instance.catch(() => (typeof key === "string" && open.get(key) === shared ? open.delete(key) : undefined));
  }
  shared.users++;
  const instance = await shared.instance.catch((error: unknown) => {
    shared!.users--;
    throw error;
  });
  let released = false;
  const entry = shared;
  return {
    path,
    readOnly: entry.readOnly,
    instance,
    async connect() {
      const connection = await instance.connect();
      entry.connections.add(connection);
      const close = connection.closeSync.bind(connection);
      connection.closeSync = () => {
        entry.connections.delete(connection);
        close();
      };
      return connection;
    },
    release() {
      if (released) return;
      released = true;
      if (--entry.users > 0) return;
      if (typeof key === "string" && open.get(key) === entry) open.delete(key);
      for (const connection of [...entry.connections]) connection.closeSync();
      instance.closeSync();
    },
  };
}

async function createInstance(path: string, readOnly: boolean, config: Readonly<Record<string, string>>): Promise<DuckDBInstance> {
  const { DuckDBInstance } = await loadDuckDB();
  try {
    return await DuckDBInstance.create(path, { ...config, ...(readOnly ? { access_mode: "READ_ONLY" } : {}) });
  } catch (cause) {
    const message = (cause as Error)?.message ?? String(cause);
    const holder = /Conflicting lock is held in (.+?) \(PID (\d+)\)/.exec(message);
    if (holder || /Could not set lock on file/.test(message)) {
      throw duckdbError(
        "DUCKDB_FILE_LOCKED",
        `DuckDB file ${path} is locked by another process${holder ? ` (${holder[1]}, PID ${holder[2]})` : ""}: DuckDB allows one writer process per file. Stop that process, or let it finish its run, then retry.`,
        cause,
      );
    }
    throw duckdbError("DUCKDB_OPEN_FAILED", `Could not open DuckDB database ${path}${readOnly ? " read-only" : ""}: ${message}`, cause);
  }
}

async function loadDuckDB(): Promise<typeof import("@duckdb/node-api")> {
  try {
    return await import("@duckdb/node-api");
  } catch (cause) {
    throw duckdbError("MISSING_PEER_DEPENDENCY", 'DuckDB needs the "@duckdb/node-api" package: npm install -E @duckdb/node-api@1.5.6-r.1', cause);
  }
}
