import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asset } from "../asset.ts";
import { defineDefinitions } from "../definitions.ts";
import { isOrchError } from "../errors.ts";
import { materialize } from "../execution/materialize.ts";
import type { IOManager } from "../io-manager.ts";
import { multiPartitions } from "../partitions/multi-partitions.ts";
import { staticPartitions } from "../partitions/static-partitions.ts";
import { dailyPartitions } from "../partitions/time-window-partitions.ts";
import { rowsTypeHandler, tableRows } from "../table-io/rows-type-handler.ts";
import type { WarehouseClient } from "../table-io/table-client.ts";
import { createTableIOManager, tableIOManager } from "../table-io/table-io-manager.ts";
import type { TableTypeHandler } from "../table-io/table-type-handler.ts";
import { qualifiedName, qualifiedSchema } from "../table-io/table-naming.ts";
import { failingAfterWrite, inputContext, keptOpen, outputContext } from "./table-io-contract-contexts.ts";

export interface TableIOContractOptions {
  /** A fresh client on an empty (or throwaway) database; closed after the suite. */
  readonly makeClient: () => WarehouseClient | Promise<WarehouseClient>;
  /** A table name the warehouse cannot hold. Default one with a NUL character. */
  readonly invalidTableName?: string;
  /** Whether every write reports the warehouse's query id. */
  readonly reportsQueryId?: boolean;
}

type Row = Record<string, unknown>;
/** Warehouses return integers as bigint or number; compare values as plain numbers and ISO strings. */
const plain = (rows: unknown): Row[] =>
  (rows as Row[])
    .map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v instanceof Date ? v.toISOString() : v])))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/**
 * The shared suite every warehouse client of the table IO manager runs: naming, quoting and refusals, whole-table
 * and partition-slice replacement (static, time window, multi), atomicity when a write fails half-way, schema
 * differences and evolution, materialization metadata, and a real run through the step runner.
 */
export function describeTableIOManagerContract(name: string, options: TableIOContractOptions): void {
  describe(`${name}: table IO manager contract`, () => {
    let client: WarehouseClient;
    let io: IOManager;
    const handlers: TableTypeHandler[] = [rowsTypeHandler()];
    const rowsType = tableRows();
    const write = (key: string[], rows: Row[], slice: Parameters<typeof outputContext>[1] = {}) => io.handleOutput(outputContext(key, slice), rows);
    const read = async (key: string[], slice: Parameters<typeof inputContext>[1] = {}) => plain(await io.loadInput(inputContext(key, { typeCheck: rowsType, ...slice })));

    beforeAll(async () => {
      client = await options.makeClient();
      io = createTableIOManager({ client, typeHandlers: handlers, defaultSchema: "contract_default" });
    });
    afterAll(async () => {
      await client?.close?.();
    });

    it("stores an asset as schema.table from its key and reads it back", async () => {
      const metadata = await write(["contract_naming", "orders"], [{ id: 1, name: "a" }, { id: 2, name: "b" }]);
      expect(metadata).toMatchObject({ table: "contract_naming.orders", rows: 2 });
      expect(typeof (metadata as Record<string, unknown>)["durationMs"]).toBe("number");
      if (options.reportsQueryId) expect(typeof (metadata as Record<string, unknown>)["queryId"]).toBe("string");
      expect(await read(["contract_naming", "orders"])).toEqual([{ id: 1, name: "a" }, { id: 2, name: "b" }]);
      await write(["single_segment"], [{ id: 3 }]);
      expect(await read(["single_segment"], { metadata: { schema: "contract_default" } })).toEqual([{ id: 3 }]);
    });

    it("replaces the whole table of an unpartitioned asset", async () => {
      await write(["contract_replace", "t"], [{ id: 1 }, { id: 2 }]);
      await write(["contract_replace", "t"], [{ id: 3 }]);
      expect(await read(["contract_replace", "t"])).toEqual([{ id: 3 }]);
    });

    it("honours schema and table metadata and quotes identifiers", async () => {
      const metadata = { schema: "Contract Quoted", table: 'odd "name" table' };
      await write(["ignored", "key"], [{ "Mixed Case": 1, "select": "reserved" }], { metadata });
      expect(await read(["ignored", "key"], { metadata })).toEqual([{ "Mixed Case": 1, select: "reserved" }]);
    });

    it("refuses names the warehouse cannot hold, naming the asset", async () => {
      const table = options.invalidTableName ?? "bad\u0000name";
      const error = await write(["contract_bad", "x"], [{ id: 1 }], { metadata: { table } }).catch((e: unknown) => e);
      expect(isOrchError(error, "TABLE_NAME_INVALID")).toBe(true);
      expect((error as Error).message).toContain('Asset "contract_bad/x"');
    });

    it("writes and reads static partitions as IN slices, replacing only the written one", async () => {
      const slice = { partitions: staticPartitions(["eu", "us"]), metadata: { partitionExpr: "region" } };
      await write(["contract_static", "sales"], [{ region: "eu", amount: 1 }, { region: "eu", amount: 2 }], { ...slice, keys: ["eu"] });
      await write(["contract_static", "sales"], [{ region: "us", amount: 3 }], { ...slice, keys: ["us"] });
      const metadata = await write(["contract_static", "sales"], [{ region: "eu", amount: 10 }], { ...slice, keys: ["eu"] });
      expect(metadata).toMatchObject({ rows: 1, predicate: `region IN (${client.literal("eu")})` });
      expect(await read(["contract_static", "sales"], { ...slice, keys: ["eu"] })).toEqual([{ region: "eu", amount: 10 }]);
      expect(await read(["contract_static", "sales"])).toEqual([{ region: "eu", amount: 10 }, { region: "us", amount: 3 }]);
    });

    it("turns time windows into >= start AND < end and reads a range of days", async () => {
      const slice = { partitions: dailyPartitions({ start: "2024-01-01", end: "2024-01-10" }), metadata: { partitionExpr: "ts" } };
      for (const day of ["01", "02", "03"]) {
        await write(["contract_time", "events"], [{ ts: new Date(`2024-01-${day}T00:00:00Z`), n: Number(day) }, { ts: new Date(`2024-01-${day}T23:59:59.999Z`), n: Number(day) * 10 }], { ...slice, keys: [`2024-01-${day}`] });
      }
      await write(["contract_time", "events"], [{ ts: new Date("2024-01-02T12:00:00Z"), n: 99 }], { ...slice, keys: ["2024-01-02"] });
      const range = await read(["contract_time", "events"], { ...slice, keys: ["2024-01-02", "2024-01-03"] });
      expect(range.map((r) => Number(r["n"])).sort((a, b) => a - b)).toEqual([3, 30, 99]);
      expect((await read(["contract_time", "events"], { ...slice, keys: ["2024-01-01"] })).map((r) => Number(r["n"])).sort((a, b) => a - b)).toEqual([1, 10]);
    });

    it("combines the dimensions of multi-partitions into one conjunction", async () => {
      const partitions = multiPartitions({ date: dailyPartitions({ start: "2024-01-01", end: "2024-01-05" }), region: staticPartitions(["eu", "us"]) });
      const slice = { partitions, metadata: { partitionExpr: { date: "ts", region: "region" } } };
      const rows = (day: string, region: string, n: number) => [{ ts: new Date(`2024-01-${day}T06:00:00Z`), region, n }];
      await write(["contract_multi", "m"], rows("01", "eu", 1), { ...slice, keys: ["2024-01-01|eu"] });
      await write(["contract_multi", "m"], rows("01", "us", 2), { ...slice, keys: ["2024-01-01|us"] });
      await write(["contract_multi", "m"], rows("02", "eu", 3), { ...slice, keys: ["2024-01-02|eu"] });
      const metadata = await write(["contract_multi", "m"], rows("01", "eu", 4), { ...slice, keys: ["2024-01-01|eu"] });
      expect(String((metadata as Record<string, unknown>)["predicate"])).toMatch(/^\(ts >= .+ AND ts < .+\) AND \(region IN \(.+\)\)$/);
      expect((await read(["contract_multi", "m"])).map((r) => r["n"]).map(Number).sort()).toEqual([2, 3, 4]);
      expect((await read(["contract_multi", "m"], { ...slice, keys: ["2024-01-01|eu"] })).map((r) => Number(r["n"]))).toEqual([4]);
    });

    it("refuses to write a partition of an asset without partitionExpr", async () => {
      const error = await write(["contract_noexpr", "t"], [{ id: 1 }], { partitions: staticPartitions(["a"]), keys: ["a"] }).catch((e: unknown) => e);
      expect(isOrchError(error, "TABLE_PARTITION_EXPR_MISSING")).toBe(true);
      expect((error as Error).message).toContain('"contract_noexpr/t"');
    });

    it("leaves the previous slice in place when a write fails half-way", async () => {
      const slice = { partitions: staticPartitions(["a", "b"]), metadata: { partitionExpr: "p" } };
      await write(["contract_atomic", "t"], [{ p: "a", v: 1 }, { p: "a", v: 2 }], { ...slice, keys: ["a"] });
      await write(["contract_atomic", "t"], [{ p: "b", v: 3 }], { ...slice, keys: ["b"] });
      const failing = createTableIOManager({ client: failingAfterWrite(client), typeHandlers: handlers });
      const error = await failing.handleOutput(outputContext(["contract_atomic", "t"], { ...slice, keys: ["a"] }), [{ p: "a", v: 100 }]).catch((e: unknown) => e);
      expect(isOrchError(error, "TABLE_WRITE_FAILED")).toBe(true);
      expect((error as Error).message).toContain("previous rows are unchanged");
      expect(await read(["contract_atomic", "t"])).toEqual([{ p: "a", v: 1 }, { p: "a", v: 2 }, { p: "b", v: 3 }]);
      const unpartitioned = await failing.handleOutput(outputContext(["contract_naming", "orders"]), [{ id: 9, name: "z" }]).catch((e: unknown) => e);
      expect(isOrchError(unpartitioned, "TABLE_WRITE_FAILED")).toBe(true);
      expect(await read(["contract_naming", "orders"])).toEqual([{ id: 1, name: "a" }, { id: 2, name: "b" }]);
    });

    it("lists column differences against an existing table, and adds columns when allowed", async () => {
      await write(["contract_schema", "t"], [{ id: 1, name: "a" }]);
      const error = await write(["contract_schema", "t"], [{ id: "x", name: "b", extra: true }]).catch((e: unknown) => e);
      expect(isOrchError(error, "TABLE_SCHEMA_MISMATCH")).toBe(true);
      const message = (error as Error).message;
      expect(message).toMatch(/column\s+stored type\s+declared type/);
      expect(message).toMatch(new RegExp(`id\\s+${escape(client.columnType("int64"))}\\s+${escape(client.columnType("utf8"))}`));
      expect(message).toMatch(new RegExp(`extra\\s+\\(missing\\)\\s+${escape(client.columnType("boolean"))}`));
      expect(await read(["contract_schema", "t"])).toEqual([{ id: 1, name: "a" }]);

      const missingOnly = await write(["contract_schema", "t"], [{ id: 2, name: "b", extra: true }]).catch((e: unknown) => e);
      expect((missingOnly as Error).message).toContain('schemaEvolution: "add_columns"');
      const metadata = await write(["contract_schema", "t"], [{ id: 2, name: "b", extra: true }], { metadata: { schemaEvolution: "add_columns" } });
      expect(metadata).toMatchObject({ addedColumns: ["extra"] });
      expect(await read(["contract_schema", "t"])).toEqual([{ id: 2, name: "b", extra: true }]);
    });

    it("names the table when an input reads an asset that was never written", async () => {
      const error = await io.loadInput(inputContext(["contract_missing", "nothing"])).catch((e: unknown) => e);
      expect(isOrchError(error, "TABLE_NOT_FOUND")).toBe(true);
      expect((error as Error).message).toContain('asset "contract_missing/nothing"');
    });

    it("records a table the warehouse built itself, and refuses one that is not there", async () => {
      const inPlace: TableTypeHandler = {
        name: "in_place",
        canStore: (value) => typeof value === "object" && value !== null && "builtBy" in value,
        loads: () => false,
        readFormats: [],
        toBatch: async () => null,
        rowsInPlace: () => 1,
        fromBatch: async () => undefined,
      };
      const manager = createTableIOManager({ client, typeHandlers: [inPlace, ...handlers] });
      const ref = { schema: "contract_in_place", table: "built" };
      await client.transaction(async (tx) => {
        await tx.execute(`CREATE SCHEMA IF NOT EXISTS ${qualifiedSchema(client, ref.schema)}`);
        await tx.execute(`CREATE TABLE ${qualifiedName(client, ref)} (${client.quoteIdentifier("id")} ${client.columnType("int64")})`);
        await tx.writeBatch(ref, { format: "rows", rows: [{ id: 7 }], columns: [{ name: "id", type: "int64" }] });
      });
      const metadata = await manager.handleOutput(outputContext(["contract_in_place", "built"]), { builtBy: "sql" });
      expect(metadata).toMatchObject({ table: "contract_in_place.built", rows: 1, writtenBy: "warehouse" });
      expect(await read(["contract_in_place", "built"])).toEqual([{ id: 7 }]);
      const missing = await manager.handleOutput(outputContext(["contract_in_place", "absent"]), { builtBy: "sql" }).catch((e: unknown) => e);
      expect(isOrchError(missing, "TABLE_NOT_FOUND")).toBe(true);
      expect((missing as Error).message).toContain('Asset "contract_in_place/absent"');
    });

    it("hasOutput: the table exists, and for a partition its slice has a row", async () => {
      expect(await io.hasOutput!(outputContext(["contract_has", "t"]))).toBe(false);
      await write(["contract_has", "t"], [{ id: 1 }]);
      expect(await io.hasOutput!(outputContext(["contract_has", "t"]))).toBe(true);
      const slice = { partitions: staticPartitions(["eu", "us"]), metadata: { partitionExpr: "region" } };
      expect(await io.hasOutput!(outputContext(["contract_has", "p"], { ...slice, keys: ["eu"] }))).toBe(false);
      await write(["contract_has", "p"], [{ region: "eu", n: 1 }, { region: "eu", n: 2 }], { ...slice, keys: ["eu"] });
      expect(await io.hasOutput!(outputContext(["contract_has", "p"], { ...slice, keys: ["eu"] }))).toBe(true);
      expect(await io.hasOutput!(outputContext(["contract_has", "p"], { ...slice, keys: ["us"] }))).toBe(false);
      expect(await io.hasOutput!(outputContext(["contract_has", "p"], { ...slice, keys: ["eu", "us"] }))).toBe(true);
      const { batch } = await client.readSlice({ schema: "contract_has", table: "p", limit: 1 }, ["rows"]);
      expect(batch.format === "rows" ? batch.rows.length : batch.rows).toBe(1);
      await batch.dispose?.();
    });

    it("deleteAsset drops the table metadata names, even from a fresh IO manager, and again is a no-op", async () => {
      const metadata = { schema: "contract_delete", table: "renamed" };
      const ref = { schema: metadata.schema, table: metadata.table };
      await write(["contract_delete", "key"], [{ id: 1 }], { metadata });
      await write(["contract_delete", "key_named"], [{ id: 2 }]);
      const fresh = createTableIOManager({ client, typeHandlers: handlers });
      expect(await fresh.deleteAsset!(["contract_delete", "key"], { definitionMetadata: metadata })).toBeUndefined();
      expect(await client.transaction((tx) => tx.describeTable(ref))).toBeUndefined();
      expect(await client.transaction((tx) => tx.describeTable({ schema: "contract_delete", table: "key_named" }))).toBeDefined();
      await fresh.deleteAsset!(["contract_delete", "key"], { definitionMetadata: metadata });

      // The IO manager that resolved the name remembers it when the caller passes the key alone.
      await write(["contract_delete", "key"], [{ id: 3 }], { metadata });
      await io.deleteAsset!(["contract_delete", "key"]);
      expect(await client.transaction((tx) => tx.describeTable(ref))).toBeUndefined();
    });

    it("deleteAsset never drops a table the warehouse built", async () => {
      const ref = { schema: "contract_in_place", table: "built" };
      const fresh = createTableIOManager({ client, typeHandlers: handlers });
      const kept = await fresh.deleteAsset!(["contract_in_place", "built"], { definitionMetadata: { writtenBy: "warehouse" } });
      expect(kept).toMatchObject({ kept: expect.stringContaining("warehouse built table") });
      const inPlace: TableTypeHandler = { ...handlers[0]!, name: "in_place", canStore: (value) => typeof value === "object" && value !== null && "builtBy" in value, toBatch: async () => null };
      const recorder = createTableIOManager({ client, typeHandlers: [inPlace, ...handlers] });
      await recorder.handleOutput(outputContext(["contract_in_place", "built"]), { builtBy: "sql" });
      expect(await recorder.deleteAsset!(["contract_in_place", "built"])).toMatchObject({ kept: expect.any(String) });
      expect(await client.transaction((tx) => tx.describeTable(ref))).toBeDefined();
      expect(await read(["contract_in_place", "built"])).toEqual([{ id: 7 }]);
    });

    it("runs through the step runner: partitions and declared input types reach the IO manager", async () => {
      const partitions = staticPartitions(["x", "y"]);
      const source = asset({
        key: ["contract_run", "source"],
        partitions,
        metadata: { partitionExpr: "part" },
        compute: ({ partitionKey }) => [{ part: partitionKey, value: partitionKey === "x" ? 1 : 2 }],
      });
      const seen: unknown[] = [];
      const sink = asset({
        key: ["contract_run", "sink"],
        partitions,
        ins: { source: { asset: source, schema: tableRows() } },
        metadata: { partitionExpr: "part" },
        compute: ({ ins, partitionKey }) => {
          seen.push(plain(ins.source));
          return [{ part: partitionKey, rows: (ins.source as Row[]).length }];
        },
      });
      const definitions = defineDefinitions({ assets: [source, sink], ioManagers: { io: tableIOManager({ client: keptOpen(client), typeHandlers: handlers }) } });
      for (const partitionKey of ["x", "y"]) expect((await materialize(definitions, { partitionKey })).success).toBe(true);
      expect(seen).toEqual([[{ part: "x", value: 1 }], [{ part: "y", value: 2 }]]);
      expect(await read(["contract_run", "sink"])).toEqual([{ part: "x", rows: 1 }, { part: "y", rows: 1 }]);
    });
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
