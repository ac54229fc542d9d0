import { MessageChannel } from "node:worker_threads";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import pl from "nodejs-polars";
import { tableFromArrays, tableFromIPC, tableToIPC, type Data, type Table } from "apache-arrow";
import { isOrchError } from "@orch/core";
import { CodecSet, postWithTransfer, type EncodeOptions } from "./codec.ts";
import { arrowSummary, makeArrowTable, makePolarsFrame, polarsSummary } from "./test-fixtures/frames-definitions.ts";

const MOVE: EncodeOptions = { keep: false };

async function roundTrip(value: unknown, options: EncodeOptions = MOVE) {
  const set = await CodecSet.load([]);
  const encoded = await set.encode(value, options);
  const { port1, port2 } = new MessageChannel();
  const received = once(port2, "message");
  postWithTransfer(port1, encoded.wire, encoded.transfer);
  const [arrived] = await received;
  port1.close();
  port2.close();
  return { ...encoded, decoded: await set.decode(arrived) };
}

/** Every ArrayBuffer under a table's columns (values, offsets, validity, children, dictionaries). */
function arrayBuffersOf(table: Table): Set<ArrayBufferLike> {
  const out = new Set<ArrayBufferLike>();
  const visit = (data: Data): void => {
    for (const view of [data.values, data.valueOffsets, data.nullBitmap, data.typeIds]) if (ArrayBuffer.isView(view)) out.add(view.buffer);
    data.children.forEach(visit);
    data.dictionary?.data.forEach(visit);
  };
  for (const batch of table.batches) visit(batch.data);
  return out;
}

const megaTable = (rows: number) => tableFromArrays({ x: Float64Array.from({ length: rows }, (_, i) => i), y: Int32Array.from({ length: rows }, (_, i) => -i) });

describe("CodecSet: Arrow tables", () => {
  it("moves every column buffer (children and dictionaries too) without a copy and rebuilds the same table", async () => {
    const table = makeArrowTable();
    const expected = arrowSummary(table);
    const buffers = arrayBuffersOf(table);
    const { wire, transfer, copies, decoded } = await roundTrip(table);
    expect(wire.c).toBe("codec");
    expect(copies).toEqual([]);
    const moved = [...buffers].filter((b) => b.byteLength > 0);
    for (const buffer of moved) expect(transfer.includes(buffer as ArrayBuffer)).toBe(true);
    for (const buffer of moved) expect(buffer.byteLength).toBe(0); // detached here: the memory moved
    expect(arrowSummary(decoded as Table)).toEqual(expected);
  });

  it("moves a table decoded from IPC bytes (views into one ArrayBuffer) as that one buffer", async () => {
    const bytes = tableToIPC(makeArrowTable(), "stream");
    const table = tableFromIPC(bytes);
    const expected = arrowSummary(table);
    // Every non-empty column buffer is a view into the IPC bytes.
    expect(new Set([...arrayBuffersOf(table)].filter((b) => b.byteLength > 0))).toEqual(new Set([bytes.buffer]));
    const { copies, decoded } = await roundTrip(table);
    expect(copies).toEqual([]);
    expect(bytes.buffer.byteLength).toBe(0);
    expect(arrowSummary(decoded as Table)).toEqual(expected);
  });

  it("copies only the rows of a small slice of a big table, and leaves the big table usable", async () => {
    const big = megaTable(100_000);
    const slice = big.slice(10, 20);
    const { copies, decoded } = await roundTrip(slice);
    expect(copies.map((c) => c.reason)).toEqual(["mostly-unused", "mostly-unused"]);
    expect(copies.reduce((sum, c) => sum + c.bytes, 0)).toBe(10 * 8 + 10 * 4);
    expect((decoded as Table).getChild("x")!.toArray()).toEqual(Float64Array.from({ length: 10 }, (_, i) => 10 + i));
    expect(big.getChild("x")!.get(99_999)).toBe(99_999);
  });

  it("copies when the sender keeps the table (keep: true), which stays intact", async () => {
    const table = makeArrowTable();
    const expected = arrowSummary(table);
    const { copies, decoded } = await roundTrip(table, { keep: true });
    expect(copies.length).toBeGreaterThan(0);
    expect(new Set(copies.map((c) => c.reason))).toEqual(new Set(["kept"]));
    expect(arrowSummary(table)).toEqual(expected);
    expect(arrowSummary(decoded as Table)).toEqual(expected);
  });

  it("copies column memory the runtime will not move (a view into Node's pooled Buffer)", async () => {
    const pooled = Buffer.alloc(0); // touch the pool so allocUnsafe below comes from it
    const bytes = Buffer.allocUnsafe(64).fill(0);
    expect(pooled.length).toBe(0);
    const x = new Float64Array(bytes.buffer, bytes.byteOffset, 8).fill(2.5);
    const { copies, decoded } = await roundTrip(tableFromArrays({ x }));
    expect(copies).toEqual([{ reason: "untransferable", bytes: 64 }]);
    expect([...(decoded as Table).getChild("x")!.toArray()]).toEqual(Array(8).fill(2.5));
  });

  it("refuses to send a table whose buffers already moved, saying why", async () => {
    const table = megaTable(10);
    await roundTrip(table);
    const error = await roundTrip(table).catch((e: unknown) => e);
    expect(isOrchError(error, "VALUE_ALREADY_MOVED")).toBe(true);
    expect((error as Error).message).toContain("build a new table for each output");
  });
});

describe("CodecSet: polars DataFrames", () => {
  it("sends a DataFrame as uncompressed IPC bytes that arrive intact (types, nulls, categoricals, two chunks)", async () => {
    const df = makePolarsFrame();
    const { wire, decoded } = await roundTrip(df);
    expect(wire.c).toBe("bytes");
    expect(polarsSummary(decoded as pl.DataFrame)).toEqual(polarsSummary(df));
  });

  it("moves the bytes of a large frame without copying them", async () => {
    const df = pl.DataFrame({ x: pl.Series("x", Float64Array.from({ length: 100_000 }, (_, i) => i)) });
    const { transfer, copies, decoded } = await roundTrip(df);
    expect(transfer).toHaveLength(1);
    expect(copies).toEqual([]);
    expect(transfer[0]!.byteLength).toBe(0); // detached on this side: it moved
    expect(Number((decoded as pl.DataFrame).getColumn("x").sum())).toBe(4_999_950_000);
  });
});

describe("CodecSet: other values", () => {
  it("structured-clones plain values and encodes frames inside a Map of partitions", async () => {
    expect((await roundTrip({ a: [1, 2], d: new Date(5) })).decoded).toEqual({ a: [1, 2], d: new Date(5) });
    const { wire, decoded } = await roundTrip(new Map<string, unknown>([["2024-01-01", pl.DataFrame({ v: [1, 2, 3] })], ["2024-01-02", megaTable(3)]]));
    expect(wire.c).toBe("map");
    const partitions = decoded as Map<string, unknown>;
    expect((partitions.get("2024-01-01") as pl.DataFrame).height).toBe(3);
    expect((partitions.get("2024-01-02") as Table).getChild("y")!.get(2)).toBe(-2);
  });

  it("refuses a codec module without the codec shape, naming the module", async () => {
    await expect(CodecSet.load(["node:path"])).rejects.toThrow('Codec module "node:path" must default-export { name, matches, encode, decode }');
  });
});
