// A local stand-in for the BigQuery REST API as @google-cloud/bigquery uses it (jobs.query, jobs.insert,
// jobs.get, getQueryResults, tables.get/delete, multipart load-job uploads), executing GoogleSQL on
// DuckDB after a light translation. For tests and benchmarks only: see the package README for what differs.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection, type DuckDBResultReader } from "@duckdb/node-api";
import { bigqueryFieldType, duckdbColumnFor, toDuckDBStatements } from "./translate.ts";

export interface FakeBigQueryOptions {
  /** Bearer token → what it may do. Any other token is refused as bad credentials. */
  readonly tokens: Readonly<Record<string, { readonly projects: readonly string[]; readonly readOnly?: boolean }>>;
  /** Rows per page of query results. Default 100,000. */
  readonly pageRows?: number;
}

export interface FakeBigQuery {
  /** `http://127.0.0.1:PORT`, for `apiEndpoint`. */
  readonly url: string;
  /** Every HTTP request, `POST /upload/bigquery/v2/projects/p/jobs`. */
  readonly requests: string[];
  /** Every job, in order. */
  readonly jobs: { readonly jobId: string; readonly kind: "query" | "load"; readonly sql?: string; readonly destination?: string; readonly writeDisposition?: string; readonly dryRun: boolean; readonly maximumBytesBilled?: string }[];
  duckdb(sql: string): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

class ApiError extends Error {
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, message: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

const STATUS_NAMES: Record<number, string> = { 400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND" };

interface StoredResult {
  schema: { fields: { name: string; type: string; mode: string }[] };
  rows: { f: { v: unknown }[] }[];
  bytes: number;
  affected?: number;
}

export async function startFakeBigQuery(options: FakeBigQueryOptions): Promise<FakeBigQuery> {
  const instance = await DuckDBInstance.create(":memory:");
  const admin = await instance.connect();
  const uploads = mkdtempSync(join(tmpdir(), "orch-fake-bigquery-"));
  const requests: string[] = [];
  const jobs: FakeBigQuery["jobs"][number][] = [];
  const results = new Map<string, StoredResult>();
  const jobRecords = new Map<string, Record<string, unknown>>();
  const pageRows = options.pageRows ?? 100_000;
  // "dataset"."table" → its time partitioning, from CREATE TABLE ... PARTITION BY TIMESTAMP_TRUNC(col, UNIT).
  const partitioning = new Map<string, { field: string; type: string }>();
  let url = "";

  const authorize = (request: IncomingMessage, project: string, writes: boolean) => {
    const token = /^Bearer (.+)$/.exec(String(request.headers["authorization"] ?? ""))?.[1];
    const grant = token ? options.tokens[token] : undefined;
    if (!grant) throw new ApiError(401, "authError", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.");
    if (!Object.values(options.tokens).some((g) => g.projects.includes(project))) throw new ApiError(404, "notFound", `Not found: Project ${project}`);
    if (!grant.projects.includes(project)) throw new ApiError(403, "accessDenied", `Access Denied: Project ${project}: User does not have bigquery.jobs.create permission in project ${project}.`);
    if (writes && grant.readOnly) throw new ApiError(403, "accessDenied", `Access Denied: Project ${project}: User does not have permission to modify tables in project ${project}.`);
  };

  const runScript = async (sql: string, params: unknown[]): Promise<StoredResult> => {
    const connection = await instance.connect();
    let inTransaction = false;
    try {
      let last: DuckDBResultReader | undefined;
      let affected: number | undefined;
      for (const translated of toDuckDBStatements(sql)) {
        const partitioned = /^CREATE TABLE\s+("(?:[^"]|"")+"\."(?:[^"]|"")+")\s*([\s\S]*?)\s+PARTITION BY\s+TIMESTAMP_TRUNC\(\s*"((?:[^"]|"")+)"\s*,\s*(HOUR|DAY|MONTH)\s*\)$/i.exec(translated);
        if (partitioned) partitioning.set(partitioned[1]!, { field: partitioned[3]!, type: partitioned[4]!.toUpperCase() });
        const statement = partitioned ? `CREATE TABLE ${partitioned[1]} ${partitioned[2]}` : translated;
        if (/^BEGIN/i.test(statement)) inTransaction = true;
        if (/^(COMMIT|ROLLBACK)/i.test(statement)) inTransaction = false;
        const values = statement.includes("?") ? params : undefined;
        last = await connection.runAndReadAll(statement, values as never);
        if (/^(INSERT|DELETE|UPDATE|MERGE)/i.test(statement)) affected = (affected ?? 0) + Number(last.getRows()[0]?.[0] ?? 0);
      }
      return { ...(last && /^\s*(SELECT|WITH)/i.test(toDuckDBStatements(sql).at(-1)!) ? encode(last) : { schema: { fields: [] }, rows: [] }), bytes: await estimateBytes(connection, sql), ...(affected !== undefined ? { affected } : {}) };
    } catch (error) {
      if (inTransaction) await connection.run("ROLLBACK").catch(() => undefined);
      throw fromDuckDB(error);
    } finally {
      connection.closeSync();
    }
  };

  // BigQuery bills the bytes of the columns a query reads; here: 8 bytes per value of every table it names.
  const estimateBytes = async (connection: DuckDBConnection, sql: string) => {
    let bytes = 0;
    for (const match of sql.matchAll(/\bFROM\s+`([^`]+)`\.`([^`]+)`/gi)) {
      const counted = await connection.runAndReadAll(`SELECT count(*) AS n FROM "${match[1]}"."${match[2]}"`).catch(() => undefined);
      const columns = await connection.runAndReadAll(`SELECT count(*) AS n FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2`, [match[1]!, match[2]!]);
      bytes += Number(counted?.getRows()[0]?.[0] ?? 0) * Number(columns.getRows()[0]?.[0] ?? 0) * 8;
    }
    return bytes;
  };

  const queryJob = async (project: string, configuration: Record<string, unknown>, jobId: string) => {
    const sql = String(configuration["query"] ?? "");
    const dryRun = configuration["dryRun"] === true;
    const maximumBytesBilled = configuration["maximumBytesBilled"] as string | undefined;
    jobs.push({ jobId, kind: "query", sql, dryRun, ...(maximumBytesBilled !== undefined ? { maximumBytesBilled } : {}) });
    const params = ((configuration["queryParameters"] ?? []) as { parameterType: { type: string }; parameterValue: { value: string } }[]).map((p) => parameterValue(p.parameterType.type, p.parameterValue.value));
    if (dryRun) {
      const connection = await instance.connect();
      try {
        for (const statement of toDuckDBStatements(sql)) if (/^\s*(SELECT|WITH)/i.test(statement)) await connection.runAndReadAll(`EXPLAIN ${statement}`).catch((e: unknown) => { throw fromDuckDB(e); });
        return { result: { schema: { fields: [] }, rows: [], bytes: await estimateBytes(connection, sql) } as StoredResult };
      } finally {
        connection.closeSync();
      }
    }
    const result = await runScript(sql, params);
    if (maximumBytesBilled !== undefined && result.bytes > Number(maximumBytesBilled)) {
      throw new ApiError(400, "bytesBilledLimitExceeded", `Query exceeded limit for bytes billed: ${maximumBytesBilled}. ${result.bytes} or higher required.`);
    }
    results.set(jobId, result);
    return { result };
  };

  const loadJob = async (project: string, metadata: Record<string, unknown>, data: Buffer) => {
    const load = ((metadata["configuration"] as Record<string, unknown>)["load"] ?? {}) as Record<string, unknown>;
    const jobId = String((metadata["jobReference"] as { jobId?: string } | undefined)?.jobId ?? randomUUID());
    const destination = load["destinationTable"] as { datasetId: string; tableId: string };
    jobs.push({ jobId, kind: "load", dryRun: false, destination: `${destination.datasetId}.${destination.tableId}`, writeDisposition: String(load["writeDisposition"] ?? "WRITE_APPEND") });
    const table = `${quote(destination.datasetId)}.${quote(destination.tableId.replace(/\$\d+$/, ""))}`;
    const decorator = /\$(\d+)$/.exec(destination.tableId)?.[1];
    const fields = ((load["schema"] as { fields?: { name: string; type: string }[] } | undefined)?.fields ?? []);
    const file = join(uploads, `${jobId}.${load["sourceFormat"] === "PARQUET" ? "parquet" : "json"}`);
    writeFileSync(file, data);
    const source = load["sourceFormat"] === "PARQUET"
      ? `read_parquet('${file}')`
      : `read_json('${file}', format = 'newline_delimited', columns = {${fields.map((f) => `'${f.name.replace(/'/g, "''")}': '${duckdbColumnFor(f.type)}'`).join(", ")}})`;
    const connection = await instance.connect();
    try {
      await connection.run("BEGIN");
      if (fields.length) await connection.run(`CREATE TABLE IF NOT EXISTS ${table} (${fields.map((f) => `"${f.name.replace(/"/g, '""')}" ${duckdbColumnFor(f.type)}`).join(", ")})`);
      if (load["writeDisposition"] === "WRITE_TRUNCATE") await connection.run(`DELETE FROM ${table}${decorator !== undefined ? ` WHERE ${partitionRange(table, decorator)}` : ""}`);
      const names = fields.map((f) => `"${f.name.replace(/"/g, '""')}"`).join(", ");
      await connection.run(fields.length ? `INSERT INTO ${table} (${names}) SELECT ${names} FROM ${source}` : `INSERT INTO ${table} SELECT * FROM ${source}`);
      await connection.run("COMMIT");
    } catch (error) {
      await connection.run("ROLLBACK").catch(() => undefined);
      throw fromDuckDB(error);
    } finally {
      connection.closeSync();
      rmSync(file, { force: true });
    }
    const record = { kind: "bigquery#job", id: `${project}:${jobId}`, jobReference: { projectId: project, jobId, location: "US" }, configuration: { load }, status: { state: "DONE" }, statistics: { load: { outputRows: "0" } } };
    jobRecords.set(jobId, record);
    return record;
  };

  // The rows of one partition, as the decorator names it: 20240101 (day), 2024010113 (hour), 202401 (month).
  const partitionRange = (table: string, decorator: string) => {
    const spec = partitioning.get(table);
    if (!spec) throw new ApiError(400, "invalid", `Partition decorator $${decorator} on ${table}, which is not partitioned.`);
    const start = `${decorator.slice(0, 4)}-${decorator.slice(4, 6)}-${decorator.length >= 8 ? decorator.slice(6, 8) : "01"} ${decorator.length === 10 ? decorator.slice(8, 10) : "00"}:00:00+00`;
    const unit = spec.type === "HOUR" ? "1 hour" : spec.type === "DAY" ? "1 day" : "1 month";
    return `${quote(spec.field)} >= TIMESTAMPTZ '${start}' AND ${quote(spec.field)} < TIMESTAMPTZ '${start}' + INTERVAL ${unit.replace(/^(\d+) (\w+)$/, "'$1 $2'")}`;
  };

  const queryResponse = (project: string, jobId: string, result: StoredResult, dryRun: boolean, start = 0) => ({
    kind: "bigquery#queryResponse",
    jobReference: { projectId: project, jobId, location: "US" },
    jobComplete: true,
    schema: result.schema,
    totalBytesProcessed: String(result.bytes),
    ...(dryRun ? {} : { rows: result.rows.slice(start, start + pageRows), totalRows: String(result.rows.length) }),
    ...(start + pageRows < result.rows.length ? { pageToken: String(start + pageRows) } : {}),
    ...(result.affected !== undefined ? { numDmlAffectedRows: String(result.affected) } : {}),
    cacheHit: false,
  });

  const route = async (request: IncomingMessage, path: string, params: URLSearchParams, body: Buffer): Promise<[number, unknown]> => {
    const json = () => (body.length ? (JSON.parse(body.toString("utf8")) as Record<string, unknown>) : {});
    let match: RegExpExecArray | null;
    if ((match = /^\/upload\/bigquery\/v2\/projects\/([^/]+)\/jobs$/.exec(path))) {
      const project = match[1]!;
      authorize(request, project, true);
      const { metadata, data } = multipart(String(request.headers["content-type"] ?? ""), body);
      return [200, await loadJob(project, metadata, data)];
    }
    if ((match = /^\/bigquery\/v2\/projects\/([^/]+)\/queries$/.exec(path))) {
      const project = match[1]!;
      const request_ = json();
      authorize(request, project, !/^\s*(SELECT|WITH)\b/i.test(String(request_["query"] ?? "")) && request_["dryRun"] !== true);
      const jobId = randomUUID();
      const { result } = await queryJob(project, request_, jobId);
      return [200, queryResponse(project, jobId, result, request_["dryRun"] === true)];
    }
    if ((match = /^\/bigquery\/v2\/projects\/([^/]+)\/queries\/([^/]+)$/.exec(path))) {
      authorize(request, match[1]!, false);
      const result = results.get(match[2]!);
      if (!result) throw new ApiError(404, "notFound", `Not found: Job ${match[1]}:${match[2]}`);
      return [200, queryResponse(match[1]!, match[2]!, result, false, Number(params.get("pageToken") ?? params.get("startIndex") ?? 0))];
    }
    if ((match = /^\/bigquery\/v2\/projects\/([^/]+)\/jobs$/.exec(path))) {
      const project = match[1]!;
      const job = json();
      const query = (job["configuration"] as { query?: Record<string, unknown>; dryRun?: boolean }).query ?? {};
      const dryRun = (job["configuration"] as { dryRun?: boolean }).dryRun === true;
      authorize(request, project, !dryRun && !/^\s*(SELECT|WITH)\b/i.test(String(query["query"] ?? "")));
      const jobId = String((job["jobReference"] as { jobId?: string } | undefined)?.jobId ?? randomUUID());
      const { result } = await queryJob(project, { ...query, dryRun }, jobId);
      const record = {
        kind: "bigquery#job",
        id: `${project}:${jobId}`,
        jobReference: { projectId: project, jobId, location: "US" },
        configuration: job["configuration"],
        status: { state: "DONE" },
        statistics: { totalBytesProcessed: String(result.bytes), query: { totalBytesProcessed: String(result.bytes), statementType: "SELECT" } },
      };
      jobRecords.set(jobId, record);
      return [200, record];
    }
    if ((match = /^\/bigquery\/v2\/projects\/([^/]+)\/jobs\/([^/]+)$/.exec(path))) {
      authorize(request, match[1]!, false);
      const record = jobRecords.get(match[2]!) ?? (results.has(match[2]!) ? { jobReference: { projectId: match[1], jobId: match[2], location: "US" }, status: { state: "DONE" }, statistics: { totalBytesProcessed: String(results.get(match[2]!)!.bytes) } } : undefined);
      if (!record) throw new ApiError(404, "notFound", `Not found: Job ${match[1]}:${match[2]}`);
      return [200, record];
    }
    if ((match = /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/.exec(path))) {
      const [project, dataset, table] = [match[1]!, decodeURIComponent(match[2]!), decodeURIComponent(match[3]!)];
      authorize(request, project, request.method === "DELETE");
      const columns = (await admin.runAndReadAll("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position", [dataset, table])).getRowObjectsJS() as { column_name: string; data_type: string }[];
      if (!columns.length) throw new ApiError(404, "notFound", `Not found: Table ${project}:${dataset}.${table}`);
      if (request.method === "DELETE") {
        await admin.run(`DROP TABLE "${dataset.replace(/"/g, '""')}"."${table.replace(/"/g, '""')}"`);
        return [204, undefined];
      }
      return [200, { kind: "bigquery#table", id: `${project}:${dataset}.${table}`, tableReference: { projectId: project, datasetId: dataset, tableId: table }, schema: { fields: columns.map((c) => ({ name: c.column_name, type: bigqueryFieldType(c.data_type), mode: "NULLABLE" })) }, ...(partitioning.has(`${quote(dataset)}.${quote(table)}`) ? { timePartitioning: partitioning.get(`${quote(dataset)}.${quote(table)}`) } : {}) }];
    }
    throw new ApiError(404, "notFound", `Not found: ${request.method} ${path}`);
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const parsed = new URL(request.url ?? "/", "http://127.0.0.1");
    requests.push(`${request.method} ${parsed.pathname}`);
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", () => {
      route(request, parsed.pathname, parsed.searchParams, Buffer.concat(parts))
        .then(([status, reply]) => {
          if (reply === undefined) response.writeHead(status).end();
          else response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(reply));
        })
        .catch((error: unknown) => {
          const failure = error instanceof ApiError ? error : new ApiError(500, "internalError", String(error));
          response
            .writeHead(failure.status, { "content-type": "application/json" })
            .end(JSON.stringify({ error: { code: failure.status, message: failure.message, errors: [{ message: failure.message, domain: "global", reason: failure.reason }], status: STATUS_NAMES[failure.status] ?? "INTERNAL" } }));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    jobs,
    async duckdb(sql) {
      return (await admin.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      admin.closeSync();
      instance.closeSync();
      rmSync(uploads, { recursive: true, force: true });
    },
  };
}

/** A multipart/related upload: the job's JSON metadata, then the file. */
function multipart(contentType: string, body: Buffer): { metadata: Record<string, unknown>; data: Buffer } {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) throw new ApiError(400, "invalid", "multipart upload without a boundary");
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    parts.push(body.subarray(start + delimiter.length, next));
    start = next;
  }
  const content = (part: Buffer) => {
    const headerEnd = part.indexOf("\r\n\r\n");
    return part.subarray(headerEnd + 4, part.length - 2);
  };
  return { metadata: JSON.parse(content(parts[0]!).toString("utf8")) as Record<string, unknown>, data: content(parts[1]!) };
}

function encode(reader: DuckDBResultReader): Omit<StoredResult, "bytes"> {
  const types = reader.columnTypes().map((t) => t.toString());
  const fields = reader.columnNames().map((name, i) => ({ name, type: standardType(bigqueryFieldType(types[i]!)), mode: "NULLABLE" }));
  const rows = reader.getRows().map((row) => ({
    f: row.map((value, i) => {
      if (value === null) return { v: null };
      const type = fields[i]!.type;
      if (type === "TIMESTAMP") return { v: String((value as { micros: bigint }).micros) };
      if (type === "DATETIME") return { v: String(value).replace(" ", "T") };
      return { v: String(value) };
    }),
  }));
  return { schema: { fields }, rows };
}

function parameterValue(type: string, value: string | null | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (type === "INT64") return BigInt(value);
  if (type === "FLOAT64" || type === "NUMERIC") return Number(value);
  if (type === "BOOL") return value === "true";
  return value;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function standardType(legacy: string): string {
  return ({ INTEGER: "INT64", FLOAT: "FLOAT64", BOOLEAN: "BOOL" } as Record<string, string>)[legacy] ?? legacy;
}

function fromDuckDB(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = (error as Error)?.message ?? String(error);
  if (/^Parser Error/i.test(message)) return new ApiError(400, "invalidQuery", `Syntax error: ${message.replace(/^Parser Error:\s*/i, "")}`);
  const missing = /Catalog Error: (?:Table|Schema) with name "?([^"\s]+)"? does not exist/i.exec(message);
  if (missing) return new ApiError(404, "notFound", `Not found: ${message.replace(/^Catalog Error:\s*/i, "")}`);
  return new ApiError(400, "invalidQuery", message.replace(/^\w+ Error:\s*/i, ""));
}
