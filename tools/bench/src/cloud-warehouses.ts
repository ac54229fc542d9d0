// Cloud warehouses against their local stand-ins: a 1,000,000-row × 4-column Polars frame written through the table
// IO manager on Snowflake (snowflake-sdk, array-bound INSERTs) and on BigQuery (@google-cloud/bigquery, a Parquet
// load job), then read back as a Polars frame, each against the package's local server (DuckDB underneath), with the
// HTTP requests each write sent. Baseline in the same run: each server's DuckDB loading the same frame from a Parquet
// file by itself. The servers are not the cloud: figures measure the clients, the wire formats and DuckDB, not
// Snowflake or BigQuery. Prints progress lines; the last line is one JSON object of figures.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { createTableIOManager, makeStepLogger, type InputContext, type OutputContext, type WarehouseClient } from "@orch/core";
import { col, frame, polarsTypeHandler } from "@orch/dataframe";
import { acquirePool, snowflakeClient, snowflakeConfig } from "@orch/snowflake";
import { bigqueryClient, bigqueryConfig, createBigQueryClient } from "@orch/bigquery";
// The local servers are test helpers of their packages, not part of their published API.
import { startTestSnowflake, testConnection } from "../../../integrations/snowflake/test/fake-snowflake/fixture.ts";
import { startTestBigQuery, testConfig } from "../../../integrations/bigquery/test/fake-bigquery/fixture.ts";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const START = Date.UTC(2025, 0, 1);

const Events = frame({ id: col.int64(), amount: col.float64(), status: col.utf8(), ordered_at: col.datetime("ms", "UTC") }, { name: "Events", stats: "none" });

function buildFrame(rows: number): pl.DataFrame {
  const seed = pl.DataFrame({ i: pl.Series("i", Int32Array.from({ length: rows }, (_, i) => i)) });
  const scrambled = pl.col("i").cast(pl.Int64).mul(2_654_435_761).modulo(4_294_967_296);
  return seed.select(
    pl.col("i").cast(pl.Int64).alias("id"),
    scrambled.modulo(1_000_000).cast(pl.Float64).mul(0.01).alias("amount"),
    pl.when(pl.col("i").modulo(7).lt(4)).then(pl.lit("placed")).otherwise(pl.lit("shipped")).alias("status"),
    scrambled.modulo(86_400 * 30).mul(1000).add(START).cast(pl.Datetime("ms", "UTC")).alias("ordered_at"),
  );
}

const log = makeStepLogger(() => {});
const key = ["bench", "events"];
const outputContext: OutputContext = { runId: "bench", stepKey: "events", outputName: "result", assetKey: key, definitionMetadata: {}, typeCheck: Events, log };
const inputContext: InputContext = {
  runId: "bench", stepKey: "reader", inputName: "events", assetKey: key, typeCheck: Events, log,
  upstreamOutput: { runId: "bench", stepKey: "events", outputName: "result", assetKey: key, definitionMetadata: {} },
};

async function timed<T>(label: string, work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  console.log(`${label}: ${Math.round(ms)} ms`);
  return { value, ms };
}

/** Writes and reads the frame through `client`, counting the server's requests during the write. */
async function roundTrip(name: string, client: WarehouseClient, requests: string[], df: pl.DataFrame, dir: string) {
  const io = createTableIOManager({ client, typeHandlers: [polarsTypeHandler()], defaultSchema: "bench", tempDir: dir });
  const before = requests.length;
  const write = await timed(`${name}: write through the table IO manager`, () => io.handleOutput(outputContext, df));
  const writeRequests = requests.slice(before);
  console.log(`  ${writeRequests.length} requests: ${[...new Set(writeRequests)].map((r) => `${writeRequests.filter((x) => x === r).length}× ${r}`).join(", ")}`);
  const read = await timed(`${name}: read back as a Polars frame`, () => io.loadInput(inputContext) as Promise<pl.DataFrame>);
  if (read.value.height !== ROWS) throw new Error(`${name}: read ${read.value.height} rows, expected ${ROWS}`);
  const sum = (f: pl.DataFrame) => Number(f.getColumn("id").sum());
  if (sum(read.value) !== sum(df)) throw new Error(`${name}: the ids read back differ from those written`);
  return { write: write.ms, read: read.ms, requests: writeRequests.length };
}

const dir = mkdtempSync(join(os.tmpdir(), "orch-bench-cloud-"));
const snowflake = await startTestSnowflake();
const bigquery = await startTestBigQuery();
try {
  console.log(`cloud-warehouses: ${ROWS.toLocaleString("en")} rows × 4 columns, local stand-in servers, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const df = buildFrame(ROWS);
  const parquet = join(dir, "native.parquet");
  df.writeParquet(parquet, { compression: "uncompressed" });
  const native = await timed("baseline: DuckDB loading the frame's Parquet file by itself", () => snowflake.duckdb(`CREATE TABLE main.native AS SELECT * FROM read_parquet('${parquet}')`));

  const sfClient = snowflakeClient(acquirePool(snowflakeConfig.parse(testConnection(snowflake))));
  const sf = await roundTrip("snowflake", sfClient, snowflake.requests, df, dir);
  await sfClient.close?.();

  const bqConfig = bigqueryConfig.parse(testConfig(bigquery));
  const bq = await roundTrip("bigquery", bigqueryClient(await createBigQueryClient(bqConfig), bqConfig, { tempDir: dir }), bigquery.requests, df, dir);

  const perSecond = (ms: number) => Math.round(ROWS / (ms / 1000));
  console.log(
    JSON.stringify({
      bench: "cloud-warehouses",
      rows: ROWS,
      snowflake_write_rows_per_s: perSecond(sf.write),
      snowflake_read_rows_per_s: perSecond(sf.read),
      // The requests of this run's write (1,000,000 rows unless BENCH_ROWS says otherwise; they do not scale linearly).
      snowflake_requests_per_1m_write: sf.requests,
      bigquery_write_rows_per_s: perSecond(bq.write),
      bigquery_read_rows_per_s: perSecond(bq.read),
      bigquery_requests_per_1m_write: bq.requests,
      duckdb_native_load_rows_per_s: perSecond(native.ms),
      servers: "local stand-ins on DuckDB, not the cloud",
      cores: os.cpus().length,
      load_1m: Math.round(os.loadavg()[0]! * 10) / 10,
    }),
  );
} finally {
  await snowflake.stop();
  await bigquery.stop();
  rmSync(dir, { recursive: true, force: true });
}
