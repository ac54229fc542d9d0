import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { tableFromIPC } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TableBatch, WarehouseClient } from "@orch/core";
import { frameFromIPC } from "@orch/dataframe";
import { queryArrowIPC } from "./duckdb-arrow.ts";
import { duckdbClient } from "./duckdb-client.ts";
import { openDuckDB, type DuckDBDatabase } from "./duckdb-database.ts";

const dir = mkdtempSync(join(tmpdir(), "orch-duckdb-arrow-"));
let database: DuckDBDatabase;
let client: WarehouseClient;

// 5,003 rows: three DuckDB chunks (2,048 rows each), the last one not a multiple of 8 rows; every column has nulls.
const ROWS = 5_003;
const COLUMNS = {
  i8: "TINYINT", i16: "SMALLINT", i32: "INTEGER", i64: "BIGINT",
  u8: "UTINYINT", u16: "USMALLINT", u32: "UINTEGER", u64: "UBIGINT",
  f32: "FLOAT", f64: "DOUBLE", flag: "BOOLEAN", day: "DATE",
  ts: "TIMESTAMP", ts_ms: "TIMESTAMP_MS", ts_ns: "TIMESTAMP_NS", ts_tz: "TIMESTAMPTZ",
  short: "VARCHAR", long: "VARCHAR",
} as const;
const VALUES: Record<keyof typeof COLUMNS, string> = {
  i8: "(i % 256 - 128)::TINYINT", i16: "(i * 7 % 65536 - 32768)::SMALLINT", i32: "(i * 104729 - 2000000000)::INTEGER", i64: "i * -922337203685477::BIGINT",
  u8: "(i % 256)::UTINYINT", u16: "(i * 13 % 65536)::USMALLINT", u32: "(i * 858993 % 4294967296)::UINTEGER", u64: "i::UBIGINT * 3689348814741 + 9223372036854775808::UBIGINT",
  f32: "(i / 3.0)::FLOAT", f64: "i * -1.25e10", flag: "i % 3 = 0", day: "DATE '1969-12-25' + i::INTEGER",
  ts: "TIMESTAMP '1960-01-01 00:00:00.123456' + to_microseconds(i * 86400123457)",
  ts_ms: "(TIMESTAMP '2001-02-03 04:05:06' + to_milliseconds(i * 1234567))::TIMESTAMP_MS",
  ts_ns: "(TIMESTAMP '2020-01-01' + to_microseconds(i * 1001))::TIMESTAMP_NS + to_microseconds(0)",
  ts_tz: "TIMESTAMPTZ '2024-03-31 01:59:59.999999+00' + to_microseconds(i * 3600000001)",
  short: "CASE WHEN i % 5 = 0 THEN '' ELSE 'é' || (i % 1000)::VARCHAR END",
  long: "repeat('ünïcode-', 1 + i % 4) || i::VARCHAR",
};

beforeAll(async () => {
  database = await openDuckDB({ path: join(dir, "types.duckdb") });
  client = duckdbClient(database, { tempDir: dir });
  const connection = await database.connect();
  const names = Object.keys(COLUMNS) as (keyof typeof COLUMNS)[];
  await connection.run(`CREATE TABLE main.types (${names.map((n) => `${n} ${COLUMNS[n]}`).join(", ")})`);
  // Each column is null on its own rows (every 11th, shifted per column), and wholly null in the second chunk's first 64 rows.
  const cells = names.map((n, c) => `CASE WHEN (i + ${c}) % 11 = 0 OR i BETWEEN 2048 AND 2111 THEN NULL ELSE ${VALUES[n]} END`);
  await connection.run(`INSERT INTO main.types SELECT ${cells.join(", ")} FROM range(${ROWS}) t(i) ORDER BY i`);
  await connection.run(`CREATE TABLE main.mixed AS SELECT i::BIGINT AS id, (i / 100)::DECIMAL(10,2) AS price FROM range(10) t(i)`);
  connection.closeSync();
});

afterAll(async () => {
  await client.close?.();
  rmSync(dir, { recursive: true, force: true });
});


async function read(formats: readonly ("arrow-ipc" | "parquet")[], slice: Partial<{ predicate: string; columns: string[]; limit: number }> = {}, table = "types") {
  const { batch } = await client.readSlice({ schema: "main", table, ...slice }, formats);
  try {
    return { batch, frame: frameOf(batch) };
  } finally {
    await batch.dispose?.();
  }
}

function frameOf(batch: TableBatch): pl.DataFrame {
  if (batch.format === "arrow-ipc") return frameFromIPC(batch.bytes);
  if (batch.format === "parquet") return pl.readParquet(batch.path);
  throw new Error(`unexpected ${batch.format} batch`);
}

describe("DuckDB columnar reads (Arrow IPC, no file)", () => {
  it("reads every supported type family, nulls included, equal to the Parquet read", async () => {
    const columnar = await read(["arrow-ipc"]);
    const parquet = await read(["parquet"]);
    expect(columnar.batch.format).toBe("arrow-ipc");
    expect(parquet.batch.format).toBe("parquet");
    expect(columnar.batch.rows).toBe(ROWS);
    expect(columnar.batch.columns).toEqual(parquet.batch.columns);
    expect(columnar.frame.schema).toEqual(parquet.frame.schema);
    expect(columnar.frame.nullCount().row(0)).toEqual(parquet.frame.nullCount().row(0));
    expect(columnar.frame.frameEqual(parquet.frame, true)).toBe(true);
  });

  it("reads the same without strings longer than 12 bytes (copied in place into the IPC stream's body)", async () => {
    const columns = Object.keys(COLUMNS).filter((name) => name !== "long");
    const columnar = await read(["arrow-ipc"], { columns });
    const parquet = await read(["parquet"], { columns });
    expect(columnar.batch.format).toBe("arrow-ipc");
    expect(columnar.frame.schema).toEqual(parquet.frame.schema);
    expect(columnar.frame.nullCount().row(0)).toEqual(parquet.frame.nullCount().row(0));
    expect(columnar.frame.frameEqual(parquet.frame, true)).toBe(true);
    if (columnar.batch.format !== "arrow-ipc") return;
    const table = tableFromIPC(columnar.batch.bytes);
    expect(table.getChild("short")?.get(7)).toBe("é7");
    expect(table.getChild("short")?.get(6)).toBeNull();
  });

  it("gives the values DuckDB holds, spot-checked through an Arrow Table", async () => {
    const { batch } = await client.readSlice({ schema: "main", table: "types", predicate: "i32 IS NOT NULL OR i32 IS NULL", limit: 12 }, ["arrow-ipc"]);
    if (batch.format !== "arrow-ipc") throw new Error("expected an Arrow IPC batch");
    const table = tableFromIPC(batch.bytes);
    expect(table.numRows).toBe(12);
    // The n-th column is null where (i + n) % 11 = 0: i64 (the fourth) at rows 8, short (the 17th) at rows 6.
    expect(table.getChild("i64")?.get(0)).toBe(0n);
    expect(table.getChild("i64")?.get(8)).toBeNull();
    expect(table.getChild("i64")?.get(2)).toBe(2n * -922337203685477n);
    expect(table.getChild("u64")?.get(5)).toBe(5n * 3689348814741n + 9223372036854775808n);
    expect(table.getChild("flag")?.get(3)).toBe(true);
    expect(table.getChild("flag")?.get(4)).toBe(false);
    expect(table.getChild("long")?.get(1)).toBe("ünïcode-ünïcode-1");
    expect(table.getChild("short")?.get(10)).toBe("");
    expect(table.getChild("short")?.get(6)).toBeNull();
    expect(table.getChild("short")?.get(7)).toBe("é7");
    expect(table.getChild("day")?.get(1)).toBe(Date.UTC(1969, 11, 26));
  });

  it("reads the slice a predicate and a column list select", async () => {
    const columnar = await read(["arrow-ipc"], { predicate: "i16 > 0", columns: ["long", "ts_tz"] });
    const parquet = await read(["parquet"], { predicate: "i16 > 0", columns: ["long", "ts_tz"] });
    expect(columnar.batch.format).toBe("arrow-ipc");
    expect(columnar.frame.columns).toEqual(["long", "ts_tz"]);
    expect(columnar.frame.height).toBeGreaterThan(0);
    expect(columnar.frame.frameEqual(parquet.frame, true)).toBe(true);
  });

  it("grows its buffers past a row estimate that is too low", async () => {
    const connection = await database.connect();
    try {
      const direct = await queryArrowIPC(connection, "SELECT * FROM main.types", 1);
      expect(direct?.rows).toBe(ROWS);
      expect(frameFromIPC(direct!.bytes).frameEqual((await read(["parquet"])).frame, true)).toBe(true);
    } finally {
      connection.closeSync();
    }
  });

  it("reads columns DuckDB stores compressed as constants (one value, all null) once checkpointed", async () => {
    const connection = await database.connect();
    try {
      await connection.run("CREATE TABLE main.constants AS SELECT 7::BIGINT AS seven, 'same'::VARCHAR AS word, NULL::DOUBLE AS nothing, i::INTEGER AS i FROM range(5000) t(i)");
      await connection.run("CHECKPOINT");
    } finally {
      connection.closeSync();
    }
    const columnar = await read(["arrow-ipc"], {}, "constants");
    expect(columnar.batch.format).toBe("arrow-ipc");
    expect(columnar.frame.getColumn("seven").unique().toArray()).toEqual([7]);
    expect(columnar.frame.getColumn("word").unique().toArray()).toEqual(["same"]);
    expect(columnar.frame.getColumn("nothing").nullCount()).toBe(5000);
    expect(columnar.frame.frameEqual((await read(["parquet"], {}, "constants")).frame, true)).toBe(true);
  });

  it("reads an empty slice", async () => {
    const columnar = await read(["arrow-ipc"], { predicate: "false" });
    expect(columnar.batch.format).toBe("arrow-ipc");
    expect(columnar.frame.height).toBe(0);
    expect(columnar.frame.columns).toEqual(Object.keys(COLUMNS));
  });

  it("refuses to write an Arrow IPC batch, naming the table (writes go as Parquet)", async () => {
    const { batch } = await client.readSlice({ schema: "main", table: "mixed", columns: ["id"] }, ["arrow-ipc"]);
    await expect(client.transaction((tx) => tx.writeBatch({ schema: "main", table: "mixed" }, batch))).rejects.toMatchObject({
      code: "DUCKDB_BATCH_UNSUPPORTED",
      message: expect.stringContaining('"mixed"'),
    });
  });

  it("falls back to Parquet for a table with a type it does not copy (DECIMAL)", async () => {
    const { batch, frame } = await read(["arrow-ipc", "parquet"], {}, "mixed");
    expect(batch.format).toBe("parquet");
    expect(frame.getColumn("id").toArray()).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n].map(Number));
  });
});
