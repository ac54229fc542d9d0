import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { MessageChannel } from "node:worker_threads";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import pl from "nodejs-polars";
import { tableFromArrays, tableFromIPC, tableToIPC, type Data, type Table } from "apache-arrow";
import { isOrchError } from "@orch/core";
import { CodecSet, postWithTransfer, type EncodeOptions } from "./codec.ts";
import { handoffDirectory, handoffWriteError, ownHandoffDirectory } from "./handoff-files.ts";
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
  const handoffFiles = () => readdirSync(handoffDirectory());

  it("sends a DataFrame as an IPC file in the hand-off directory that arrives intact (types, nulls, categoricals, two chunks)", async () => {
    const df = makePolarsFrame();
    const { wire, transfer, decoded } = await roundTrip(df);
    expect(wire).toMatchObject({ c: "codec", payload: { path: expect.stringMatching(/\.ipc$/) } });
    expect(transfer).toEqual([]); // only the path crosses
    expect(polarsSummary(decoded as pl.DataFrame)).toEqual(polarsSummary(df));
    expect(handoffFiles()).toEqual([]);
  });

  it("sends a categorical whose chunks have different dictionaries, which writeIPC's file format refuses", async () => {
    const part = (values: string[]) => pl.DataFrame({ s: pl.Series("s", values, pl.Categorical) });
    const df = part(["x", "y", "x"]).vstack(part(["z", "x", "w"]));
    expect(() => df.writeIPC({ compression: "uncompressed" })).toThrow(/dictionary replacement/i);
    const { decoded } = await roundTrip(df);
    expect((decoded as pl.DataFrame).frameEqual(df, true)).toBe(true);
    expect((decoded as pl.DataFrame).getColumn("s").toArray()).toEqual(["x", "y", "x", "z", "x", "w"]);
  });

  it("puts hand-off files on /dev/shm (memory) when the machine has it", () => {
    expect(handoffDirectory()).toBe(existsSync("/dev/shm") ? `/dev/shm/orch-threads-${process.pid}` : join(tmpdir(), `orch-threads-${process.pid}`));
  });

  // One frame per dtype family; each must arrive equal (dtypes, values, nulls).
  const families: Record<string, () => pl.DataFrame> = {
    integers: () =>
      pl.DataFrame({
        i8: pl.Series("i8", Int8Array.from([-128, 0, 127])),
        i16: pl.Series("i16", Int16Array.from([-1, 0, 1])),
        i32: pl.Series("i32", Int32Array.from([-2_147_483_648, 0, 2_147_483_647])),
        i64: pl.Series("i64", [-(2n ** 63n), 0n, 2n ** 63n - 1n], pl.Int64),
        u8: pl.Series("u8", Uint8Array.from([0, 1, 255])),
        u32: pl.Series("u32", Uint32Array.from([0, 1, 4_294_967_295])),
        u64: pl.Series("u64", [0n, 1n, 2n ** 64n - 1n], pl.UInt64),
      }),
    "floats and booleans with nulls": () =>
      pl.DataFrame({
        f32: pl.Series("f32", [1.5, null, -0.25], pl.Float32),
        f64: pl.Series("f64", [Number.NaN, Number.POSITIVE_INFINITY, null], pl.Float64),
        b: pl.Series("b", [true, null, false], pl.Bool),
        allNull: pl.Series("allNull", [null, null, null], pl.Int32),
      }),
    "strings (inline, long, unicode, empty, null)": () => pl.DataFrame({ s: pl.Series("s", ["a", "a string longer than twelve bytes", "ünïcödé ✓ 🎉", "", null], pl.Utf8) }),
    "dates and times": () =>
      pl.DataFrame({
        date: pl.Series("date", [new Date(Date.UTC(1970, 0, 1)), null, new Date(Date.UTC(2024, 1, 29))], pl.Date),
        ms: pl.Series("ms", [new Date(Date.UTC(2024, 0, 1, 12, 30)), new Date(-1), null], pl.Datetime("ms")),
        us: pl.Series("us", [new Date(Date.UTC(2000, 5, 15)), null, new Date(0)], pl.Datetime("us")),
      }),
    "categoricals (two chunks)": () => makePolarsFrame().select("status"),
    "nested (lists, structs)": () =>
      pl.DataFrame({
        list: pl.Series("list", [[1, 2], [], null, [3]], pl.List(pl.Int32)),
        strings: pl.Series("strings", [["x"], null, ["y", "z"], []], pl.List(pl.Utf8)),
      }).withColumns(pl.struct([pl.col("list"), pl.col("strings")]).alias("struct")),
    "empty frame": () => pl.DataFrame({ x: pl.Series("x", new Float64Array(0)) }),
  };
  for (const [family, make] of Object.entries(families)) {
    it(`arrives equal: ${family}`, async () => {
      const df = make();
      const { decoded } = await roundTrip(df);
      const out = decoded as pl.DataFrame;
      expect(out.schema).toEqual(df.schema);
      expect(out.frameEqual(df, true)).toBe(true);
      expect(polarsSummary(out)).toEqual(polarsSummary(df));
      expect(handoffFiles()).toEqual([]);
    });
  }

  it("leaves no file behind when reading fails, or when writing fails", async () => {
    const set = await CodecSet.load([]);
    const { wire } = await set.encode(pl.DataFrame({ x: [1, 2, 3] }), MOVE);
    const { path } = (wire as { payload: { path: string } }).payload;
    writeFileSync(path, "not arrow"); // the file was damaged on its way
    await expect(set.decode(wire)).rejects.toThrow();
    expect(handoffFiles()).toEqual([]);

    // A frame whose writer throws part-way (a JavaScript stand-in with the DataFrame's shape).
    const sink = (p: string) => ({ collect: async () => (writeFileSync(p, "partial"), raise("disk on fire")) });
    const failing = { height: 1, width: 1, lazy: () => ({ sinkIpc: sink }), writeIPC: () => raise("unused") };
    const error = await set.encode(failing, MOVE).catch((e: unknown) => e);
    expect(isOrchError(error, "HANDOFF_WRITE_FAILED")).toBe(true);
    expect((error as Error).message).toMatch(/Could not write a polars DataFrame of 1 rows × 1 columns to ".*orch-threads-\d+" to hand it to another thread: disk on fire/);
    expect(handoffFiles()).toEqual([]);
  });

  it("says plainly when the hand-off directory is full", () => {
    // The error polars really gives on a full device (/dev/full answers every write with ENOSPC).
    const full = (() => {
      try {
        pl.DataFrame({ x: pl.Series("x", new Float64Array(100_000)) }).writeIPC("/dev/full");
      } catch (e) {
        return e;
      }
    })();
    const error = handoffWriteError(full, "/dev/shm/orch-threads-1", "a polars DataFrame of 100000 rows × 1 columns");
    expect(isOrchError(error, "HANDOFF_SPACE_EXHAUSTED")).toBe(true);
    expect(error.message).toMatch(/No space left in "\/dev\/shm\/orch-threads-1" to hand a polars DataFrame of 100000 rows × 1 columns to another thread/);
  });

  it("removes hand-off directories of processes that no longer exist", async () => {
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    const stale = join(dirname(handoffDirectory()), `orch-threads-${dead}`);
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, "left.ipc"), "x");
    const child = spawnSync(process.execPath, ["--conditions=@orch/source", "--input-type=module", "-e", `import("@orch/threads").then(async ({ CodecSet }) => { const s = await CodecSet.load([]); const pl = (await import("nodejs-polars")).default; await s.decode((await s.encode(pl.DataFrame({ x: [1] }), { keep: false })).wire); })`], { cwd: import.meta.dirname, encoding: "utf8" });
    expect(child.stderr).toBe("");
    expect(existsSync(stale)).toBe(false);
  });

  it("refuses a hand-off directory under its name that is not its own (a symlink planted in the shared base)", () => {
    // In a base of the test's own: /dev/shm is shared with every other process, whose sweeps must not race this test.
    const base = mkdtempSync(join(tmpdir(), "orch-handoff-base-"));
    const elsewhere = mkdtempSync(join(tmpdir(), "orch-elsewhere-"));
    const planted = join(base, "orch-threads-4242");
    symlinkSync(elsewhere, planted);
    try {
      let error: unknown;
      try {
        ownHandoffDirectory(base, 4242);
      } catch (e) {
        error = e;
      }
      expect(isOrchError(error, "HANDOFF_WRITE_FAILED")).toBe(true);
      expect((error as Error).message).toContain(`"${planted}" is not a directory of this user`);
      expect(readdirSync(elsewhere)).toEqual([]);
      // A directory of its own under the same base is taken.
      expect(ownHandoffDirectory(base, 4243)).toBe(join(base, "orch-threads-4243"));
    } finally {
      rmSync(base, { recursive: true, force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it("removes a file whose receiver never read it when the process exits", () => {
    const script = `import("@orch/threads").then(async ({ CodecSet }) => { const s = await CodecSet.load([]); const pl = (await import("nodejs-polars")).default; const { wire } = await s.encode(pl.DataFrame({ x: [1] }), { keep: false }); const { existsSync } = await import("node:fs"); console.log(JSON.stringify({ path: wire.payload.path, there: existsSync(wire.payload.path) })); })`;
    const child = spawnSync(process.execPath, ["--conditions=@orch/source", "--input-type=module", "-e", script], { cwd: import.meta.dirname, encoding: "utf8" });
    const { path, there } = JSON.parse(child.stdout) as { path: string; there: boolean };
    expect(there).toBe(true);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(dirname(path))).toBe(false);
  });
});

function raise(message: string): never {
  throw new Error(message);
}

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
