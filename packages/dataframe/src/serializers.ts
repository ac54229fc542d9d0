// Arrow IPC (stream) and Parquet serializers for file-based IO managers, registered through `dataframePlugin`.
// Both accept a polars DataFrame or an Arrow Table and always deserialize to a polars DataFrame.
import pl from "nodejs-polars";
import { definePlugin, OrchError, type Serializer } from "@orch/core";
import { isArrowTable, isPolarsDataFrame } from "./frame-like.ts";
import { frameFromIPC, frameToIPC, tableToPolars } from "./ipc.ts";

type Serializable = pl.DataFrame | import("apache-arrow").Table;
const accepts = (value: unknown): value is Serializable => isPolarsDataFrame(value) || isArrowTable(value);

/** Uncompressed Arrow IPC stream (`.arrow`): readable by Polars and apache-arrow JS alike. */
export const arrowIpcSerializer: Serializer<Serializable> = {
  name: "arrow-ipc",
  extension: "arrow",
  canSerialize: accepts,
  serialize: (value) => frameToIPC(value),
  deserialize: (bytes) => frameFromIPC(bytes),
};

/** Parquet (`.parquet`, zstd-compressed): compact storage; dtypes, nulls and time zones survive the round trip. */
export const parquetSerializer: Serializer<Serializable> = {
  name: "parquet",
  extension: "parquet",
  canSerialize: accepts,
  serialize(value) {
    const frame = isArrowTable(value) ? tableToPolars(value) : value;
    return new Uint8Array(frame.writeParquet({ compression: "zstd" }));
  },
  deserialize(bytes) {
    try {
      return pl.readParquet(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (cause) {
      throw new OrchError("DATAFRAME_PARQUET_INVALID", `Could not read ${bytes.byteLength} bytes as Parquet.`, { pkg: "dataframe", cause });
    }
  },
};

/**
 * Registers the serializers. Parquet comes last, so it is what IO managers pick for frames by default; a value's
 * `format: "arrow"` definition metadata (if the IO manager honours it) or the registry's `get("arrow-ipc")` picks IPC.
 */
export const dataframePlugin = definePlugin({
  name: "dataframe",
  core: "^0.1.0",
  serializers: [arrowIpcSerializer, parquetSerializer],
});
