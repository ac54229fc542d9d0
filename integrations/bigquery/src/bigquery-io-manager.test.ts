import pl from "nodejs-polars";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asset, dailyPartitions, defineDefinitions, materialize, type StoredEvent } from "@orch/core";
import { describeResourceContract } from "@orch/core/testing";
import { col, frame, isPolarsDataFrame } from "@orch/dataframe";
import { READ_ONLY_TOKEN, startTestBigQuery, testConfig } from "../test/fake-bigquery/fixture.ts";
import type { FakeBigQuery } from "../test/fake-bigquery/server.ts";
import { bigqueryIOManager } from "./bigquery-io-manager.ts";
import { bigqueryConfig } from "./bigquery-config.ts";
import { bigqueryResource, createBigQueryResource, type BigQueryResource } from "./bigquery-resource.ts";

let server: FakeBigQuery;
beforeAll(async () => {
  server = await startTestBigQuery({ pageRows: 500 });
});
afterAll(() => server.stop());

describeResourceContract("bigqueryResource", {
  factory: bigqueryResource,
  validConfig: { projectId: "acme", location: "EU", accessToken: { env: "BIGQUERY_TEST_TOKEN" } },
  invalidConfig: { projectId: "acme", accessToken: "a", keyFilename: "/key.json" },
  env: { BIGQUERY_TEST_TOKEN: "ya29.secret-token" },
});

const Orders = frame({ order_id: col.int64(), amount: col.float64(), status: col.utf8(), ordered_at: col.datetime("ms", "UTC") });
const ordersFrame = (day: string, ids: number[]) =>
  pl.DataFrame({
    order_id: pl.Series("order_id", ids, pl.Int64),
    amount: pl.Series("amount", ids.map((i) => i * 1.5), pl.Float64),
    status: pl.Series("status", ids.map((i) => (i % 2 ? "placed" : "shipped")), pl.Utf8),
    ordered_at: pl.Series("ordered_at", ids.map((i) => new Date(`${day}T0${i % 10}:00:00Z`)), pl.Datetime("ms", "UTC")),
  });
const failureOf = (events: readonly StoredEvent[]) => (events.find((e) => e.type === "STEP_FAILURE") as { error: { code?: string; message: string } } | undefined)?.error;

describe("bigqueryIOManager", () => {
  it("loads Polars frames as Parquet per day, replaces a day in one transaction, reads Polars downstream, and records job ids and bytes", async () => {
    const partitions = dailyPartitions({ start: "2024-01-01", end: "2024-01-05" });
    const orders = asset({ key: ["sales", "orders"], partitions, output: Orders, metadata: { partitionExpr: "ordered_at" }, compute: ({ partitionKey }) => ordersFrame(partitionKey!, partitionKey === "2024-01-02" ? [4, 5] : [1, 2, 3]) });
    let received: unknown;
    const summary = asset({
      key: ["sales", "summary"],
      partitions,
      ins: { orders: { asset: orders, schema: Orders } },
      metadata: { partitionExpr: "day" },
      compute: ({ ins, timeWindow }) => {
        received = ins.orders;
        return [{ day: new Date(timeWindow!.start), orders: (ins.orders as pl.DataFrame).height }];
      },
    });
    const definitions = defineDefinitions({ assets: [orders, summary], ioManagers: { io: bigqueryIOManager({ connection: testConfig(server) }) } });
    for (const partitionKey of ["2024-01-01", "2024-01-02", "2024-01-01"]) {
      const run = await materialize(definitions, { partitionKey });
      expect(failureOf(await run.instance.getEvents(run.runId))).toBeUndefined();
    }
    expect(isPolarsDataFrame(received)).toBe(true);
    expect((received as pl.DataFrame).height).toBe(3);
    expect(await server.duckdb(`SELECT count(*)::INTEGER AS n FROM sales.orders`)).toEqual([{ n: 5 }]);
    expect(await server.duckdb(`SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name LIKE 'orch_staging_%'`)).toEqual([{ n: 0 }]);
    const loads = server.jobs.filter((j) => j.kind === "load");
    expect(loads.length).toBeGreaterThanOrEqual(6);
    const run = await materialize(definitions, { partitionKey: "2024-01-02", selection: "sales/orders" });
    const metadata = ((await run.instance.getEvents(run.runId)).find((e) => e.type === "ASSET_MATERIALIZATION") as { metadata: Record<string, unknown> }).metadata;
    expect(metadata).toMatchObject({ table: "sales.orders", rows: 2, predicate: "ordered_at >= TIMESTAMP '2024-01-02T00:00:00Z' AND ordered_at < TIMESTAMP '2024-01-03T00:00:00Z'" });
    const jobIds = metadata["bigqueryJobIds"] as string[];
    expect(jobIds).toContain(server.jobs.filter((j) => j.kind === "load").at(-1)!.jobId);
    const script = server.jobs.find((j) => j.jobId === jobIds.at(-1));
    expect(script?.sql).toMatch(/^BEGIN TRANSACTION;\nDELETE FROM `sales`.`orders` WHERE .+;\nINSERT INTO `sales`.`orders` .+ FROM `sales`.`orch_staging_[0-9a-f]+`;\nCOMMIT TRANSACTION;$/);
    expect(typeof metadata["totalBytesProcessed"]).toBe("number");
    expect(server.requests).toContain("POST /upload/bigquery/v2/projects/orch-test/jobs");
  });

  it("replaces one day of a day-partitioned table with the partition decorator and WRITE_TRUNCATE, in one load job", async () => {
    const partitions = dailyPartitions({ start: "2024-01-01", end: "2024-01-05" });
    const events = asset({
      key: ["parted", "orders"],
      partitions,
      output: Orders,
      metadata: { partitionExpr: "ordered_at", timePartitioning: { field: "ordered_at", type: "DAY" } },
      compute: ({ partitionKey }) => ordersFrame(partitionKey!, partitionKey === "2024-01-02" ? [4, 5] : [1, 2, 3]),
    });
    const definitions = defineDefinitions({ assets: [events], ioManagers: { io: bigqueryIOManager({ connection: testConfig(server) }) } });
    const before = server.jobs.length;
    for (const partitionKey of ["2024-01-01", "2024-01-02", "2024-01-01"]) expect((await materialize(definitions, { partitionKey })).success).toBe(true);
    const jobs = server.jobs.slice(before);
    expect(jobs.filter((j) => j.kind === "load").map((j) => [j.destination, j.writeDisposition])).toEqual([
      ["parted.orders", "WRITE_APPEND"],
      ["parted.orders$20240102", "WRITE_TRUNCATE"],
      ["parted.orders$20240101", "WRITE_TRUNCATE"],
    ]);
    expect(jobs.some((j) => j.sql?.startsWith("BEGIN TRANSACTION"))).toBe(false);
    expect(jobs.find((j) => j.sql?.startsWith("CREATE TABLE"))?.sql).toMatch(/PARTITION BY TIMESTAMP_TRUNC\(`ordered_at`, DAY\)$/);
    expect(await server.duckdb(`SELECT strftime(ordered_at AT TIME ZONE 'UTC', '%Y-%m-%d') AS day, count(*)::INTEGER AS n FROM parted.orders GROUP BY 1 ORDER BY 1`)).toEqual([
      { day: "2024-01-01", n: 3 },
      { day: "2024-01-02", n: 2 },
    ]);
  });

  it("fails a read whose dry run would bill more than maximumBytesBilled, before running it", async () => {
    const big = asset({ key: ["costly", "events"], compute: () => Array.from({ length: 1_000 }, (_, i) => ({ id: i, label: `e${i}` })) });
    const reader = asset({ key: ["costly", "reader"], ins: { events: big }, compute: ({ ins }) => [{ n: (ins.events as unknown as pl.DataFrame).height }] });
    const write = await materialize(defineDefinitions({ assets: [big], ioManagers: { io: bigqueryIOManager({ connection: testConfig(server) }) } }));
    expect(write.success).toBe(true);
    const before = server.jobs.length;
    const run = await materialize(defineDefinitions({ assets: [big, reader], ioManagers: { io: bigqueryIOManager({ connection: testConfig(server, { maximumBytesBilled: 1_000 }) }) } }), { selection: "costly/reader" });
    const error = failureOf(await run.instance.getEvents(run.runId))!;
    expect(error.code).toBe("BIGQUERY_BYTES_LIMIT");
    expect(error.message).toContain('Reading asset "costly/events"');
    expect(error.message).toContain("would process 16000 bytes, more than maximumBytesBilled (1000)");
    const reads = server.jobs.slice(before).filter((j) => j.sql?.startsWith("SELECT"));
    expect(reads.map((j) => j.dryRun)).toEqual([true]);
  });

  it("reads a result of several pages", async () => {
    const many = asset({ key: ["paged", "rows"], compute: () => Array.from({ length: 1_750 }, (_, i) => ({ id: i })) });
    let height = 0;
    const reader = asset({ key: ["paged", "reader"], ins: { rows: many }, compute: ({ ins }) => [{ n: (height = (ins.rows as unknown as pl.DataFrame).height) }] });
    const run = await materialize(defineDefinitions({ assets: [many, reader], ioManagers: { io: bigqueryIOManager({ connection: testConfig(server) }) } }));
    expect(failureOf(await run.instance.getEvents(run.runId))).toBeUndefined();
    expect(height).toBe(1_750);
    expect(server.requests.filter((r) => /^GET \/bigquery\/v2\/projects\/orch-test\/queries\//.test(r)).length).toBeGreaterThanOrEqual(4);
  });
});

describe("failures name the resource, the asset and BigQuery's own error", () => {
  const writeWith = async (connection: Record<string, unknown>) => {
    const orders = asset({ key: ["failing", "orders"], compute: () => [{ id: 1 }] });
    const run = await materialize(defineDefinitions({ assets: [orders], ioManagers: { io: bigqueryIOManager({ connection: { ...testConfig(server), ...connection } }) } }));
    expect(run.success).toBe(false);
    return failureOf(await run.instance.getEvents(run.runId))!;
  };

  it("bad credentials", async () => {
    const error = await writeWith({ accessToken: "expired-token" });
    expect(error.message).toContain('asset "failing/orders"');
    expect(error.message).toContain('BigQuery project "orch-test" (US)');
    expect(error.message).toContain("401");
    expect(error.message).toContain("Request had invalid authentication credentials.");
  });

  it("a project that does not exist", async () => {
    const error = await writeWith({ projectId: "no-such-project" });
    expect(error.message).toContain('asset "failing/orders"');
    expect(error.message).toContain('BigQuery project "no-such-project"');
    expect(error.message).toContain("404");
    expect(error.message).toContain("Not found: Project no-such-project");
  });

  it("a principal without the permission", async () => {
    const error = await writeWith({ accessToken: READ_ONLY_TOKEN });
    expect(error.message).toContain('asset "failing/orders"');
    expect(error.message).toContain("403 accessDenied");
    expect(error.message).toContain("Access Denied: Project orch-test");
  });

  it("a syntax error in a query run through the resource", async () => {
    const broken = asset({
      key: ["failing", "report"],
      resources: ["bigquery"],
      compute: async (context) => (await (context.resources.bigquery as BigQueryResource).query("SELEC 1", [], { context })).rows,
    });
    const run = await materialize(defineDefinitions({ assets: [broken], resources: { bigquery: bigqueryResource(testConfig(server)) } }));
    const error = failureOf(await run.instance.getEvents(run.runId))!;
    expect(error.code).toBe("BIGQUERY_QUERY_FAILED");
    expect(error.message).toContain('BigQuery project "orch-test" (US) for asset "failing/report"');
    expect(error.message).toContain("400 invalidQuery: Syntax error");
  });

  it("runs parameterized queries through the resource, with job id and bytes for metadata", async () => {
    const resource = await createBigQueryResource(bigqueryConfig.parse(testConfig(server)), "r1");
    const result = await resource.query<{ n: number; label: string }>("SELECT ? + 1 AS n, ? AS label", [41, "x"]);
    expect(result.rows).toEqual([{ n: 42, label: "x" }]);
    expect(server.jobs.some((j) => j.jobId === result.jobId)).toBe(true);
    expect(result.metadata).toMatchObject({ bigqueryJobId: result.jobId, totalBytesProcessed: 0 });
  });
});
