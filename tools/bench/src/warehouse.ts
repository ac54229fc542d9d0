// Warehouse tables: a 10,000,000-row × 6-column frame (unsorted ids, realistic types) written to a DuckDB file
// through the table IO manager (Polars → Parquet → INSERT ... SELECT FROM read_parquet, one transaction) and read
// back as a Polars frame checked against its schema; compared in the same run with DuckDB's own fastest load of the
// same data (CREATE TABLE AS SELECT FROM read_parquet of a file written beforehand, untimed). Then one day's slice of
// the 100-day table is overwritten through the IO manager (delete + insert in one transaction), three times, median
// reported. Prints progress
// lines; the last line is one JSON object of figures.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { createTableIOManager, dailyPartitions, makeStepLogger, type InputContext, type OutputContext } from "@orch/core";
import { col, frame, polarsTypeHandler } from "@orch/dataframe";
import { duckdbClient, openDuckDB } from "@orch/duckdb";

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const DAYS = 100;
const START = Date.UTC(2025, 0, 1);
const DAY_MS = 86_400_000;

const Orders = frame({
  order_id: col.int64(),
  customer_id: col.int32(),
  amount: col.float64(),
  status: col.utf8(),
  sku: col.utf8().nullable(),
  ordered_at: col.datetime("ms", "UTC"),
}, { name: "Orders", stats: "none" });

function buildFrame(rows: number, day?: number): pl.DataFrame {
  const seed = pl.DataFrame({ i: pl.Series("i", Int32Array.from({ length: rows }, (_, i) => i)) });
  // Multiplicative hashing scatters ids and timestamps: the rows arrive in no useful order, as from an API export.
  const scrambled = pl.col("i").cast(pl.Int64).mul(2_654_435_761).modulo(4_294_967_296);
  const ms = day === undefined ? scrambled.modulo(DAYS * DAY_MS / 1000).mul(1000) : scrambled.modulo(DAY_MS / 1000).mul(1000).add(day * DAY_MS);
  return seed.select(
    scrambled.alias("order_id"),
    pl.col("i").modulo(100_003).add(1).cast(pl.Int32).alias("customer_id"),
    scrambled.modulo(1_000_000).cast(pl.Float64).mul(0.01).alias("amount"),
    pl.when(pl.col("i").modulo(7).lt(4)).then(pl.lit("placed")).when(pl.col("i").modulo(7).lt(6)).then(pl.lit("shipped")).otherwise(pl.lit("returned")).alias("status"),
    pl.when(pl.col("i").modulo(20).eq(0)).then(pl.lit(null).cast(pl.Utf8)).otherwise(pl.format("SKU-{}", scrambled.modulo(50_000))).alias("sku"),
    ms.add(START).cast(pl.Datetime("ms", "UTC")).alias("ordered_at"),
  );
}

const log = makeStepLogger(() => {});
const partitions = dailyPartitions({ start: "2025-01-01", end: "2025-04-11" });
const key = ["bench", "orders"];
const outputContext = (partitionKey?: string): OutputContext => ({
  runId: "bench", stepKey: "orders", outputName: "result", assetKey: key, definitionMetadata: { partitionExpr: "ordered_at" },
  typeCheck: Orders, partitions, log, ...(partitionKey ? { partitionKey } : {}),
});
const inputContext = (): InputContext => ({
  runId: "bench", stepKey: "reader", inputName: "orders", assetKey: key, typeCheck: Orders, log,
  upstreamOutput: { runId: "bench", stepKey: "orders", outputName: "result", assetKey: key, definitionMetadata: { partitionExpr: "ordered_at" }, partitions },
});

async function timed<T>(label: string, work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  console.log(`${label}: ${Math.round(ms)} ms`);
  return { value, ms };
}

const dir = mkdtempSync(join(os.tmpdir(), "orch-bench-warehouse-"));
try {
  console.log(`warehouse: ${ROWS.toLocaleString("en")} rows × 6 columns, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const df = buildFrame(ROWS);
  const database = await openDuckDB({ path: join(dir, "warehouse.duckdb") });
  const client = await duckdbClient(database, { tempDir: dir });
  const io = createTableIOManager({ client, typeHandlers: [polarsTypeHandler()], defaultSchema: "main", tempDir: dir });

  // Baseline: DuckDB loading a Parquet file of the same frame by itself (the file is written before the clock starts).
  const parquet = join(dir, "native.parquet");
  df.writeParquet(parquet, { compression: "uncompressed" });
  const connection = await database.connect();
  const native = await timed("duckdb native load (CREATE TABLE AS SELECT FROM read_parquet)", () => connection.run(`CREATE TABLE main.native AS SELECT * FROM read_parquet('${parquet}')`));
  await connection.run("DROP TABLE main.native");

  const write = await timed("write through the table IO manager", () => io.handleOutput(outputContext(), df));
  console.log(`  metadata: ${JSON.stringify(write.value)}`);
  const read = await timed("read back as a Polars frame", () => io.loadInput(inputContext()) as Promise<pl.DataFrame>);
  if (read.value.height !== ROWS) throw new Error(`read ${read.value.height} rows, expected ${ROWS}`);
  const report = await Orders.validate(read.value);
  if (!report.passed) throw new Error("the frame read back fails its schema");

  // One day's slice of the 100-day table, overwritten three times (days 42-44); the median is reported.
  const dayRows = Math.round(ROWS / DAYS);
  const overwrites: number[] = [];
  for (const day of [42, 43, 44]) {
    const partitionKey = new Date(START + day * DAY_MS).toISOString().slice(0, 10);
    const slice = buildFrame(dayRows, day);
    const overwrite = await timed(`overwrite day ${partitionKey} (${dayRows.toLocaleString("en")} rows)`, () => io.handleOutput(outputContext(partitionKey), slice));
    if (day === 42) console.log(`  metadata: ${JSON.stringify(overwrite.value)}`);
    overwrites.push(overwrite.ms);
  }
  const overwriteMs = [...overwrites].sort((a, b) => a - b)[1]!;
  const total = Number((await connection.runAndReadAll("SELECT count(*) AS n FROM bench.orders")).getRowObjectsJS()[0]!["n"]);
  if (Math.abs(total - ROWS) > ROWS / DAYS) throw new Error(`table has ${total} rows after the overwrite, expected about ${ROWS}`);
  connection.closeSync();
  await client.close?.();

  const perSecond = (ms: number) => Math.round(ROWS / (ms / 1000));
  console.log(
    JSON.stringify({
      bench: "warehouse",
      rows: ROWS,
      duckdb_write_rows_per_s: perSecond(write.ms),
      duckdb_read_rows_per_s: perSecond(read.ms),
      duckdb_native_copy_rows_per_s: perSecond(native.ms),
      write_vs_native: Math.round((native.ms / write.ms) * 100) / 100,
      partition_overwrite_ms: Math.round(overwriteMs),
      partition_overwrites_ms: overwrites.map(Math.round),
      write_ms: Math.round(write.ms),
      read_ms: Math.round(read.ms),
      native_copy_ms: Math.round(native.ms),
      cores: os.cpus().length,
      load_1m: Math.round(os.loadavg()[0]! * 10) / 10,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
