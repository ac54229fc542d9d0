// A local stand-in for Snowflake's REST endpoints as snowflake-sdk uses them (login, query-request with inline and
// chunked JSON results, array binds, abort, heartbeat, session delete), executing the SQL on DuckDB. For tests and
// benchmarks only: it is not Snowflake, see the package README for what differs.
import { randomUUID, verify } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, gzipSync } from "node:zlib";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { encodeResult } from "./encode.ts";
import { arrayInsertTarget, COLUMNS_VIEW, toDuckDB } from "./translate.ts";

export interface FakeSnowflakeUser {
  readonly password?: string;
  /** PEM public key checked against key-pair (SNOWFLAKE_JWT) logins. */
  readonly publicKey?: string;
  /** Accepted OAuth access token. */
  readonly token?: string;
  readonly defaultRole?: string;
}

export interface FakeSnowflakeOptions {
  readonly users: Readonly<Record<string, FakeSnowflakeUser>>;
  /** Warehouses that exist; a session on another gets Snowflake's "no active warehouse" error. */
  readonly warehouses: readonly string[];
  /** Roles that may only read: anything but a query gets an access control error. */
  readonly readOnlyRoles?: readonly string[];
  /** Rows per result chunk beyond the first (inline) one. Default 100,000. */
  readonly chunkRows?: number;
  /**
   * How long a request waits for its statement before answering "in progress" (333333) with a result URL the driver
   * polls, as Snowflake does after about 45 s. Default 45,000; 0 answers every query-request that way.
   */
  readonly inProgressAfterMs?: number;
}

export interface FakeSnowflakeQuery {
  readonly queryId: string;
  readonly sqlText: string;
  readonly queryTag: string | undefined;
  readonly user: string;
  readonly binds: number;
}

export interface FakeSnowflake {
  /** `http://127.0.0.1:PORT`, for `accessUrl`. */
  readonly url: string;
  /** Every HTTP request received, in order: `POST /queries/v1/query-request`. */
  readonly requests: string[];
  /** Every statement received, in order. */
  readonly queries: FakeSnowflakeQuery[];
  /** Runs SQL on the underlying DuckDB database (test setup and inspection). */
  duckdb(sql: string): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

interface Session {
  readonly user: string;
  readonly role: string;
  warehouse: string;
  readonly database: string;
  readonly schema: string;
  readonly connection: DuckDBConnection;
  readonly params: Record<string, string>;
  inTransaction: boolean;
  /** Result chunks served to this session, freed when it ends. */
  readonly chunks: string[];
  /** requestId → running statement, for abort-request. */
  readonly running: Map<string, string>;
}

class SnowflakeError extends Error {
  readonly code: string;
  readonly sqlState: string;
  constructor(code: string, sqlState: string, message: string) {
    super(message);
    this.code = code;
    this.sqlState = sqlState;
  }
}

const STATEMENT_TYPES = { select: 0x1000, insert: 0x3100, update: 0x3200, delete: 0x3300, ddl: 0x6000, other: 0x2000 } as const;

export async function startFakeSnowflake(options: FakeSnowflakeOptions): Promise<FakeSnowflake> {
  const instance = await DuckDBInstance.create(":memory:");
  const admin = await instance.connect();
  await admin.run(COLUMNS_VIEW);
  const sessions = new Map<string, Session>();
  const chunks = new Map<string, string>();
  const requests: string[] = [];
  const queries: FakeSnowflakeQuery[] = [];
  const chunkRows = options.chunkRows ?? 100_000;
  const inProgressAfterMs = options.inProgressAfterMs ?? 45_000;
  // Statements still running after a request gave up waiting, by query id.
  const pending = new Map<string, Promise<unknown>>();
  let url = "";
  let bindTables = 0;

  const login = async (body: Record<string, unknown>, params: URLSearchParams) => {
    const data = (body["data"] ?? {}) as Record<string, string | undefined>;
    const name = String(data["LOGIN_NAME"] ?? "").toUpperCase();
    const user = Object.entries(options.users).find(([n]) => n.toUpperCase() === name)?.[1];
    const authenticator = String(data["AUTHENTICATOR"] ?? "SNOWFLAKE").toUpperCase();
    const ok =
      user !== undefined &&
      (authenticator === "SNOWFLAKE_JWT"
        ? user.publicKey !== undefined && jwtValid(String(data["TOKEN"] ?? ""), user.publicKey)
        : authenticator === "OAUTH"
          ? user.token !== undefined && data["TOKEN"] === user.token
          : user.password !== undefined && data["PASSWORD"] === user.password);
    if (!ok) return { success: false, code: "390100", message: "Incorrect username or password was specified.", data: { nextAction: null } };
    const token = randomUUID();
    const session: Session = {
      user: name,
      role: (params.get("roleName") ?? user!.defaultRole ?? "PUBLIC").toUpperCase(),
      warehouse: (params.get("warehouse") ?? "").toUpperCase(),
      database: params.get("databaseName") ?? "",
      schema: params.get("schemaName") ?? "PUBLIC",
      connection: await instance.connect(),
      params: {},
      inTransaction: false,
      running: new Map(),
      chunks: [],
    };
    sessions.set(token, session);
    return {
      success: true,
      code: null,
      message: null,
      data: {
        token,
        masterToken: randomUUID(),
        validityInSeconds: 3600,
        masterValidityInSeconds: 14400,
        displayUserName: name,
        serverVersion: "fake-duckdb",
        sessionId: sessions.size,
        healthCheckInterval: 45,
        parameters: [],
        sessionInfo: { databaseName: session.database, schemaName: session.schema, warehouseName: session.warehouse, roleName: session.role },
      },
    };
  };

  const execute = async (session: Session, sqlText: string, bindings: Record<string, { type: string; value: unknown }> | undefined) => {
    const trimmed = sqlText.trim().replace(/;\s*$/, "");
    const upper = trimmed.toUpperCase();
    const tag = /^ALTER\s+SESSION\s+SET\s+(\w+)\s*=\s*'((?:[^']|'')*)'$/i.exec(trimmed);
    if (tag) {
      session.params[tag[1]!.toUpperCase()] = tag[2]!.replace(/''/g, "'");
      return statusResult("Statement executed successfully.", STATEMENT_TYPES.other);
    }
    if (/^ALTER\s+SESSION\s+UNSET\s+(\w+)$/i.test(trimmed)) {
      delete session.params[/(\w+)$/.exec(trimmed)![1]!.toUpperCase()];
      return statusResult("Statement executed successfully.", STATEMENT_TYPES.other);
    }
    const use = /^USE\s+WAREHOUSE\s+"?(\w+)"?$/i.exec(trimmed);
    if (use) {
      if (!options.warehouses.includes(use[1]!.toUpperCase())) throw new SnowflakeError("002043", "02000", `SQL compilation error:\nObject does not exist, or operation cannot be performed.`);
      session.warehouse = use[1]!.toUpperCase();
      return statusResult("Statement executed successfully.", STATEMENT_TYPES.other);
    }
    const transactionControl = /^(BEGIN|START\s+TRANSACTION|COMMIT|ROLLBACK)\b/.test(upper);
    if (!transactionControl && !options.warehouses.includes(session.warehouse)) {
      throw new SnowflakeError("000606", "57P03", "No active warehouse selected in the current session.  Select an active warehouse with the 'use warehouse' command.");
    }
    const kind = /^(SELECT|WITH|SHOW|DESCRIBE)\b/.test(upper) ? "select" : /^INSERT\b/.test(upper) ? "insert" : /^UPDATE\b/.test(upper) ? "update" : /^DELETE\b/.test(upper) ? "delete" : /^(CREATE|ALTER|DROP)\b/.test(upper) ? "ddl" : "other";
    if (options.readOnlyRoles?.includes(session.role) && kind !== "select" && !transactionControl) {
      throw new SnowflakeError("003001", "42501", `SQL access control error:\nInsufficient privileges to operate on ${kind === "ddl" ? "schema" : "table"} with role ${session.role}.`);
    }
    if (/^(BEGIN|START)/.test(upper)) session.inTransaction = true;
    if (/^(COMMIT|ROLLBACK)/.test(upper)) session.inTransaction = false;
    // Snowflake commits an open transaction before a DDL statement and runs the DDL in a transaction of its own.
    if (kind === "ddl" && session.inTransaction) {
      await session.connection.run("COMMIT");
      session.inTransaction = false;
    }
    const sql = toDuckDB(trimmed);
    const arrayBinds = bindings && Object.values(bindings).some((b) => Array.isArray(b.value));
    if (arrayBinds) return insertArrayBinds(session, sql, bindings!);
    const values = bindings ? Object.keys(bindings).sort((a, b) => Number(a) - Number(b)).map((k) => bindValue(bindings[k]!)) : undefined;
    const reader = await session.connection.runAndReadAll(sql, values as never);
    const names = kind === "select" ? undefined : kind === "ddl" || kind === "other" ? undefined : [`number of rows ${kind}d`.replace("insertd", "inserted")];
    return { ...encodeResult(reader, names), statementTypeId: STATEMENT_TYPES[kind] };
  };

  const insertArrayBinds = async (session: Session, sql: string, bindings: Record<string, { type: string; value: unknown }>) => {
    const target = arrayInsertTarget(sql);
    if (!target) throw new SnowflakeError("002014", "22000", "SQL compilation error:\nthe local Snowflake server supports array binds only for INSERT ... VALUES (?, ...).");
    const columns = Object.keys(bindings).sort((a, b) => Number(a) - Number(b)).map((k) => bindings[k]!.value as (string | null)[]);
    const table = `__binds_${++bindTables}`;
    await session.connection.run(`CREATE TEMP TABLE ${table} (${columns.map((_, i) => `c${i} VARCHAR`).join(", ")})`);
    try {
      const appender = await session.connection.createAppender(table, "main", "temp");
      const rows = columns[0]?.length ?? 0;
      for (let r = 0; r < rows; r++) {
        for (const column of columns) {
          const value = column[r];
          if (value === null || value === undefined) appender.appendNull();
          else appender.appendVarchar(value);
        }
        appender.endRow();
      }
      appender.closeSync();
      const reader = await session.connection.runAndReadAll(`${target} SELECT * FROM temp.main.${table}`);
      return { ...encodeResult(reader, ["number of rows inserted"]), statementTypeId: STATEMENT_TYPES.insert };
    } finally {
      await session.connection.run(`DROP TABLE temp.main.${table}`);
    }
  };

  /** The statement's reply, or "in progress" with a result URL when it takes longer than the request waits. */
  const replyWithin = async (queryId: string, reply: Promise<unknown>, waitMs: number) => {
    const inProgress = { success: true, code: "333333", message: "Query execution in progress", data: { queryId, getResultUrl: `/queries/${queryId}/result` } };
    const done = waitMs === 0 ? undefined : await Promise.race([reply, new Promise((resolve) => setTimeout(() => resolve(undefined), waitMs))]);
    if (done !== undefined) return done;
    pending.set(queryId, reply);
    return inProgress;
  };

  const queryRequest = async (session: Session, body: Record<string, unknown>, requestId: string) => {
    const queryId = randomUUID();
    return replyWithin(queryId, runStatement(session, body, requestId, queryId), inProgressAfterMs);
  };

  const resultRequest = async (queryId: string) => {
    const reply = pending.get(queryId);
    if (!reply) return { success: false, code: "000709", message: `Statement ${queryId} not found`, data: { queryId } };
    pending.delete(queryId);
    // A poll waits at least a moment, so a driver polling at once does not spin.
    return replyWithin(queryId, reply, Math.max(inProgressAfterMs, 10));
  };

  const runStatement = async (session: Session, body: Record<string, unknown>, requestId: string, queryId: string) => {
    const sqlText = String(body["sqlText"] ?? "");
    const bindings = body["bindings"] as Record<string, { type: string; value: unknown }> | undefined;
    const firstBind = bindings ? Object.values(bindings)[0]?.value : undefined;
    queries.push({ queryId, sqlText, queryTag: session.params["QUERY_TAG"], user: session.user, binds: Array.isArray(firstBind) ? firstBind.length : bindings ? 1 : 0 });
    session.running.set(requestId, queryId);
    try {
      const result = await execute(session, sqlText, bindings);
      const inline = result.rowset.slice(0, chunkRows);
      const rest: { url: string; rowCount: number; uncompressedSize: number; compressedSize: number }[] = [];
      for (let start = chunkRows; start < result.rowset.length; start += chunkRows) {
        const rows = result.rowset.slice(start, start + chunkRows);
        const id = randomUUID();
        const text = rows.map((row) => JSON.stringify(row)).join(",");
        chunks.set(id, text);
        session.chunks.push(id);
        rest.push({ url: `${url}/fake-chunks/${id}`, rowCount: rows.length, uncompressedSize: text.length, compressedSize: text.length });
      }
      return {
        success: true,
        code: null,
        message: null,
        data: {
          parameters: [{ name: "TIMEZONE", value: "UTC" }],
          rowtype: result.rowtype,
          rowset: inline,
          total: result.rowset.length,
          returned: result.rowset.length,
          queryId,
          statementTypeId: result.statementTypeId,
          version: 1,
          queryResultFormat: "json",
          finalDatabaseName: session.database,
          finalSchemaName: session.schema,
          finalWarehouseName: session.warehouse,
          finalRoleName: session.role,
          ...(rest.length ? { chunks: rest, chunkHeaders: {} } : {}),
        },
      };
    } catch (error) {
      const failure = error instanceof SnowflakeError ? error : fromDuckDB(error);
      return { success: false, code: failure.code, message: failure.message, data: { sqlState: failure.sqlState, queryId, errorCode: failure.code, internalError: false } };
    } finally {
      session.running.delete(requestId);
    }
  };

  const route = async (request: IncomingMessage, path: string, params: URLSearchParams, body: Record<string, unknown>): Promise<unknown> => {
    if (path === "/session/v1/login-request") return login(body, params);
    if (path === "/telemetry/send") return { success: true };
    const token = /Token="([^"]+)"/.exec(String(request.headers["authorization"] ?? ""))?.[1];
    const session = token ? sessions.get(token) : undefined;
    if (!session || !token) return { success: false, code: "390104", message: "User must login again to access the service.", data: null };
    if (path === "/queries/v1/query-request") return queryRequest(session, body, params.get("requestId") ?? randomUUID());
    const result = /^\/queries\/([^/]+)\/result$/.exec(path);
    if (result) return resultRequest(result[1]!);
    if (path === "/session/heartbeat") return { success: true, code: null, message: null, data: {} };
    const abort = /^\/queries\/([^/]+)\/abort-request$/.exec(path);
    if (abort) {
      const requestId = abort[1] === "v1" ? String(body["requestId"] ?? "") : [...session.running].find(([, q]) => q === abort[1])?.[0];
      if (requestId && session.running.has(requestId)) session.connection.interrupt();
      return { success: true, code: null, message: null, data: null };
    }
    if (path === "/session" && params.get("delete") === "true") {
      sessions.delete(token);
      for (const id of session.chunks) chunks.delete(id);
      session.connection.closeSync();
      return { success: true, code: null, message: null, data: null };
    }
    return undefined;
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const parsed = new URL(request.url ?? "/", "http://127.0.0.1");
    requests.push(`${request.method} ${parsed.pathname}`);
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", () => {
      void (async () => {
        const chunk = /^\/fake-chunks\/(.+)$/.exec(parsed.pathname);
        if (chunk) {
          // Kept until the session ends: the driver may fetch a chunk again after a failed read.
          const text = chunks.get(chunk[1]!);
          if (text === undefined) response.writeHead(404).end();
          // As from cloud storage: gzip-compressed, which the driver expects.
          else response.writeHead(200, { "content-type": "application/octet-stream", "content-encoding": "gzip" }).end(gzipSync(text));
          return;
        }
        let raw = Buffer.concat(parts);
        if (request.headers["content-encoding"] === "gzip") raw = gunzipSync(raw);
        const body = raw.length ? (JSON.parse(raw.toString("utf8")) as Record<string, unknown>) : {};
        const reply = await route(request, parsed.pathname, parsed.searchParams, body);
        if (reply === undefined) response.writeHead(404).end();
        else response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(reply));
      })().catch((error: unknown) => response.writeHead(500).end(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    queries,
    async duckdb(sql) {
      return (await admin.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions.values()) session.connection.closeSync();
      admin.closeSync();
      instance.closeSync();
    },
  };
}

function statusResult(status: string, statementTypeId: number) {
  return {
    rowtype: [{ name: "status", type: "text", scale: null, precision: null, nullable: true, length: 16777216, byteLength: 16777216, database: "", schema: "", table: "" }],
    rowset: [[status]],
    statementTypeId,
  };
}

function bindValue(bind: { type: string; value: unknown }): unknown {
  const value = bind.value;
  if (value === null || value === undefined) return null;
  if (bind.type === "FIXED") return BigInt(String(value));
  if (bind.type === "REAL") return Number(value);
  if (bind.type === "BOOLEAN") return String(value).toLowerCase() === "true" || value === "1";
  return String(value);
}

/** DuckDB's errors as Snowflake reports the same class of problem (codes from Snowflake's documentation). */
function fromDuckDB(error: unknown): SnowflakeError {
  const message = (error as Error)?.message ?? String(error);
  if (/interrupt/i.test(message)) return new SnowflakeError("000604", "57014", "SQL execution canceled");
  if (/^Parser Error/i.test(message)) return new SnowflakeError("001003", "42000", `SQL compilation error:\n${message.replace(/^Parser Error:\s*/i, "")}`);
  if (/^(Catalog|Binder) Error/i.test(message)) return new SnowflakeError("002003", "42S02", `SQL compilation error:\n${message.replace(/^(Catalog|Binder) Error:\s*/i, "")}`);
  return new SnowflakeError("100038", "22018", message);
}

/** An RS256 JWT signed by the private key that matches `publicKey`. */
function jwtValid(token: string, publicKey: string): boolean {
  const [header, payload, signature] = token.split(".");
  if (!header || !payload || !signature) return false;
  return verify("RSA-SHA256", Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, "base64url"));
}
