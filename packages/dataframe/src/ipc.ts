// Arrow IPC in the stream format, uncompressed: the one encoding both Polars and apache-arrow JS read, and
// what frames cross worker threads as (a transferable buffer).
import pl from "nodejs-polars";
import { Table, tableFromIPC, tableToIPC } from "apache-arrow";
import { OrchError } from "@orch/core";

/** Bytes of an uncompressed Arrow IPC stream for a Polars DataFrame or an Arrow Table. */
export function frameToIPC(frame: pl.DataFrame | Table): Uint8Array {
  if (Table.isTable(frame)) return tableToIPC(frame, "stream");
  const buffer = frame.writeIPCStream({ compression: "uncompressed" });
  // A Buffer may be a view into Node's shared pool; hand back bytes that own their ArrayBuffer so it can be transferred.
  return buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength ? new Uint8Array(buffer.buffer) : new Uint8Array(buffer);
}

/** A Polars DataFrame from Arrow IPC stream bytes (as written by `frameToIPC`, Polars or apache-arrow). */
export function frameFromIPC(bytes: Uint8Array): pl.DataFrame {
  try {
    return pl.readIPCStream(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (cause) {
    throw new OrchError("DATAFRAME_IPC_INVALID", `Could not read ${bytes.byteLength} bytes as an Arrow IPC stream.`, { pkg: "dataframe", cause });
  }
}

/** An Arrow Table read back from IPC stream bytes. */
export function tableFromFrameIPC(bytes: Uint8Array): Table {
  return tableFromIPC(bytes);
}

export function tableToPolars(table: Table): pl.DataFrame {
  return frameFromIPC(tableToIPC(table, "stream"));
}

export function polarsToTable(frame: pl.DataFrame): Table {
  return tableFromIPC(frameToIPC(frame));
}
