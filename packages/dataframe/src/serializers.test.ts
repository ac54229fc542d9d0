import { describe, expect, it } from "vitest";
import pl from "nodejs-polars";
import { tableFromIPC } from "apache-arrow";
import { PluginRegistry, SerializerRegistry } from "@orch/core";
import { arrowIpcSerializer, dataframePlugin, frameFromIPC, frameToIPC, parquetSerializer } from "./index.ts";

/** One column of every dtype a schema can declare, each with a null. */
function everyDtype(): pl.DataFrame {
  const base = pl.DataFrame({ n: [1, null, 3], s: ["héllo", null, "x"] });
  const n = pl.col("n");
  return base.select(
    n.cast(pl.Int8).alias("int8"), n.cast(pl.Int16).alias("int16"), n.cast(pl.Int32).alias("int32"), n.cast(pl.Int64).alias("int64"),
    n.cast(pl.UInt8).alias("uint8"), n.cast(pl.UInt16).alias("uint16"), n.cast(pl.UInt32).alias("uint32"), n.cast(pl.UInt64).alias("uint64"),
    n.cast(pl.Float32).alias("float32"), n.alias("float64"), n.gt(1).alias("boolean"), pl.col("s").alias("utf8"),
    pl.col("s").cast(pl.Categorical).alias("categorical"), n.cast(pl.Date).alias("date"),
    n.cast(pl.Int64).cast(pl.Datetime("ms", "Europe/Paris")).alias("datetime_tz"), n.cast(pl.Int64).cast(pl.Datetime("ns")).alias("datetime_ns"),
    n.cast(pl.Int64).cast(pl.Duration("ms")).alias("duration"), n.cast(pl.Decimal(10, 2)).alias("decimal"),
    pl.concatList([n, n]).alias("list"), pl.struct([n.alias("a"), pl.col("s").alias("b")]).alias("struct"),
  );
}

describe.each([arrowIpcSerializer, parquetSerializer])("$name serializer", (serializer) => {
  it("round-trips every dtype with nulls and time zones", async () => {
    const df = everyDtype();
    const back = (await serializer.deserialize(await serializer.serialize(df))) as pl.DataFrame;
    expect(Object.fromEntries(Object.entries(back.schema).map(([k, v]) => [k, String(v)]))).toEqual(
      Object.fromEntries(Object.entries(df.schema).map(([k, v]) => [k, String(v)])),
    );
    expect(String(back.schema.datetime_tz)).toContain("Europe/Paris");
    expect(back.frameEqual(df, true)).toBe(true);
    expect(back.select(pl.all().nullCount()).row(0)).toEqual(df.select(pl.all().nullCount()).row(0));
  });

  it("accepts an Arrow Table and gives back a polars DataFrame", async () => {
    const table = tableFromIPC(frameToIPC(pl.DataFrame({ a: [1, 2] })));
    expect(serializer.canSerialize(table)).toBe(true);
    expect(serializer.canSerialize([{ a: 1 }])).toBe(false);
    const back = (await serializer.deserialize(await serializer.serialize(table))) as pl.DataFrame;
    expect(back.getColumn("a").toArray()).toEqual([1, 2]);
  });
});

describe("IPC helpers and plugin", () => {
  it("writes an uncompressed stream apache-arrow reads, in a buffer that can be transferred", () => {
    const bytes = frameToIPC(everyDtype());
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.byteLength).toBe(bytes.buffer.byteLength);
    const table = tableFromIPC(bytes);
    expect(table.numRows).toBe(3);
    expect(String(table.schema.fields.find((f) => f.name === "datetime_tz")!.type)).toBe("Timestamp<MILLISECOND, Europe/Paris>");
    expect(frameFromIPC(bytes).frameEqual(everyDtype(), true)).toBe(true);
  });

  it("registers both serializers; frames go to parquet ahead of JSON", () => {
    const plugins = new PluginRegistry([dataframePlugin]);
    const registry = new SerializerRegistry();
    for (const s of plugins.serializers) registry.register(s);
    expect(registry.names()).toEqual(["json", "arrow-ipc", "parquet"]);
    expect(registry.forValue(pl.DataFrame({ a: [1] }), "asset x").name).toBe("parquet");
    expect(registry.forValue({ a: 1 }, "asset x").name).toBe("json");
    expect(registry.byExtension("arrow")?.name).toBe("arrow-ipc");
  });
});
