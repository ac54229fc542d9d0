import { MessageChannel } from "node:worker_threads";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import pl from "nodejs-polars";
import { tableFromArrays, type Table } from "apache-arrow";
import { CodecSet, postWithTransfer } from "./codec.ts";

const codecs = new CodecSet([]);

async function roundTrip(value: unknown) {
  const set = await CodecSet.load([]);
  const { wire, transfer } = await set.encode(value);
  const { port1, port2 } = new MessageChannel();
  const received = once(port2, "message");
  postWithTransfer(port1, wire, transfer);
  const [arrived] = await received;
  port1.close();
  port2.close();
  return { wire, transfer, decoded: await set.decode(arrived) };
}

describe("CodecSet", () => {
  it("moves a polars DataFrame as uncompressed IPC bytes whose buffer is transferred, not cloned", async () => {
    const df = pl.DataFrame({ id: pl.Series("id", Int32Array.from({ length: 10_000 }, (_, i) => i)) });
    const { wire, transfer, decoded } = await roundTrip(df);
    expect(wire.c).toBe("codec");
    expect(transfer).toHaveLength(1);
    expect(transfer[0]!.byteLength).toBe(0); // detached on this side: it moved
    expect((decoded as pl.DataFrame).height).toBe(10_000);
    expect(Number((decoded as pl.DataFrame).getColumn("id").sum())).toBe(49_995_000);
  });

  it("moves an apache-arrow Table by transfer and reads it back zero-copy", async () => {
    const table = tableFromArrays({ x: Float64Array.from({ length: 10 }, (_, i) => i * 1.5) });
    const { transfer, decoded } = await roundTrip(table);
    expect(transfer[0]!.byteLength).toBe(0);
    expect((decoded as Table).numRows).toBe(10);
    expect((decoded as Table).getChild("x")!.get(4)).toBe(6);
  });

  it("structured-clones plain values and encodes frames inside a Map of partitions", async () => {
    expect((await roundTrip({ a: [1, 2], d: new Date(5) })).decoded).toEqual({ a: [1, 2], d: new Date(5) });
    const { wire, decoded } = await roundTrip(new Map([["2024-01-01", pl.DataFrame({ v: [1, 2, 3] })]]));
    expect(wire.c).toBe("map");
    expect(((decoded as Map<string, pl.DataFrame>).get("2024-01-01") as pl.DataFrame).height).toBe(3);
  });

  it("refuses a codec module without the codec shape, naming the module", async () => {
    await expect(CodecSet.load(["node:path"])).rejects.toThrow('Codec module "node:path" must default-export { name, matches, encode, decode }');
    expect(codecs).toBeInstanceOf(CodecSet);
  });
});
