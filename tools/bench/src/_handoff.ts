// Frame hand-off from a worker thread to the main thread, end to end: the clock starts in the worker when the step
// would return its frame (before encoding) and stops on the main thread once the decoded frame has been read
// (after decoding). Both clocks are epoch-based (timeOrigin + now), so they compare across threads.
// The worker side runs in a plain worker_threads Worker with the executor's own codec (CodecSet, postWithTransfer).
import { once } from "node:events";
import { parentPort, type Worker } from "node:worker_threads";
import pl from "nodejs-polars";
import { Dictionary, Int32, makeData, makeVector, Table, tableFromIPC, tableToIPC, Utf8 } from "apache-arrow";
import { CodecSet, postWithTransfer, type WireValue } from "@orch/threads";

/**
 * `codec`: the executor's codec; `ipc-stream`/`ipc-file`: one Arrow IPC buffer moved with the message, the
 * alternatives measured beside it (for a polars frame, `ipc-file` is the previous codec: `writeIPC()` into a Buffer).
 */
export type HandoffPath = "codec" | "ipc-stream" | "ipc-file";

export interface HandoffRequest {
  readonly kind: "arrow" | "polars";
  readonly mb: number;
  readonly path: HandoffPath;
}

interface HandoffMessage {
  readonly t0: number;
  /** When the worker had encoded the frame (and was about to post it). */
  readonly t1: number;
  readonly rows: number;
  readonly wire: WireValue;
}

const now = () => performance.timeOrigin + performance.now();
const gc = () => (globalThis as { gc?: () => void }).gc?.();
/** Bytes per row of the benchmark frame: id int32, value float64, qty int32 (+ validity), status dictionary (int32), name utf8 (12 B + offset). */
const BYTES_PER_ROW = 4 + 8 + 4 + 4 + 16;
const STATUSES = ["placed", "shipped", "returned", "canceled"];
const BATCHES = 8;

/** An Arrow table of about `mb` MiB in 8 record batches, with nulls, a dictionary column and a string column. */
function arrowFrame(mb: number): Table {
  const rows = Math.floor((mb * 1024 * 1024) / BYTES_PER_ROW / BATCHES);
  const dictionary = makeVector(makeData({ type: new Utf8(), length: STATUSES.length, valueOffsets: offsetsOf(STATUSES), data: new TextEncoder().encode(STATUSES.join("")) }));
  const batches = Array.from({ length: BATCHES }, (_, b) => {
    const from = b * rows;
    const id = new Int32Array(rows);
    const value = new Float64Array(rows);
    const qty = new Int32Array(rows);
    const status = new Int32Array(rows);
    const nameOffsets = new Int32Array(rows + 1);
    const nameBytes = new Uint8Array(rows * 12);
    for (let i = 0; i < rows; i++) {
      const n = from + i;
      id[i] = n;
      value[i] = n * 0.25;
      qty[i] = n % 100;
      status[i] = n % STATUSES.length;
      nameOffsets[i + 1] = (i + 1) * 12;
      for (let k = 11, m = n; k >= 0; k--, m = (m / 10) | 0) nameBytes[i * 12 + k] = 48 + (m % 10);
    }
    const validity = new Uint8Array(Math.ceil(rows / 8)).fill(0b1111_1110); // every 8th qty is null
    return new Table({
      id: makeVector(id),
      value: makeVector(value),
      qty: makeVector(makeData({ type: new Int32(), length: rows, nullCount: Math.ceil(rows / 8), nullBitmap: validity, data: qty })),
      status: makeVector(makeData({ type: new Dictionary(new Utf8(), new Int32()), length: rows, data: status, dictionary })),
      name: makeVector(makeData({ type: new Utf8(), length: rows, valueOffsets: nameOffsets, data: nameBytes })),
    });
  });
  return batches[0]!.concat(...batches.slice(1));
}

function offsetsOf(values: readonly string[]): Int32Array {
  const offsets = new Int32Array(values.length + 1);
  values.forEach((v, i) => (offsets[i + 1] = offsets[i]! + v.length));
  return offsets;
}

/** The same frame as a polars DataFrame, built by polars itself (strings and categoricals made in Rust). */
function polarsFrame(mb: number): pl.DataFrame {
  const rows = Math.floor((mb * 1024 * 1024) / BYTES_PER_ROW);
  const ids = new Int32Array(rows);
  for (let i = 0; i < rows; i++) ids[i] = i;
  const id = pl.Series("id", ids);
  return pl
    .DataFrame({ id })
    .lazy()
    .select(
      pl.col("id"),
      pl.col("id").cast(pl.Float64).mul(0.25).alias("value"),
      pl.when(pl.col("id").modulo(8).eq(0)).then(pl.lit(null)).otherwise(pl.col("id").modulo(100)).cast(pl.Int32).alias("qty"),
      pl.col("id").modulo(4).cast(pl.Utf8).cast(pl.Categorical).alias("status"),
      pl.col("id").cast(pl.Utf8).str.padStart(12, "0").alias("name"),
    )
    .collectSync();
}

/** Worker side: builds the frame (not timed), then on "go" starts the clock, encodes and posts it. */
export async function handoffWorker(): Promise<void> {
  const codecs = await CodecSet.load([]);
  let frame: Table | pl.DataFrame | undefined;
  let request: HandoffRequest | undefined;
  parentPort!.on("message", async (message: HandoffRequest | "go") => {
    if (message !== "go") {
      request = message;
      frame = undefined;
      gc();
      frame = message.kind === "arrow" ? arrowFrame(message.mb) : polarsFrame(message.mb);
      gc();
      return parentPort!.postMessage("built");
    }
    const value = frame!;
    frame = undefined;
    const rows = value instanceof Table ? value.numRows : value.height;
    const t0 = now();
    if (request!.path === "codec") {
      const { wire, transfer } = await codecs.encode(value, { keep: false });
      postWithTransfer(parentPort!, { t0, t1: now(), rows, wire } satisfies HandoffMessage, transfer);
      return;
    }
    const bytes = alternativeBytes(value, request!.path);
    postWithTransfer(parentPort!, { t0, t1: now(), rows, wire: { c: "clone", v: bytes } } satisfies HandoffMessage, [bytes.buffer as ArrayBuffer]);
  });
}

function alternativeBytes(value: Table | pl.DataFrame, path: Exclude<HandoffPath, "codec">): Uint8Array {
  if (value instanceof Table) return tableToIPC(value, path === "ipc-stream" ? "stream" : "file");
  return path === "ipc-stream" ? value.writeIPCStream({ compression: "uncompressed" }) : value.writeIPC({ compression: "uncompressed" });
}

/** Where the time of one hand-off went, in ms: encoding in the worker, posting until the main thread had it, decoding, reading. */
export interface HandoffTiming {
  readonly totalMs: number;
  readonly encodeMs: number;
  readonly transitMs: number;
  readonly decodeMs: number;
  readonly readMs: number;
}

/** Main side: one timed hand-off of a freshly built frame, from worker return to usable frame on the main thread. */
export async function timeHandoff(worker: Worker, codecs: CodecSet, request: HandoffRequest): Promise<HandoffTiming> {
  const built = once(worker, "message");
  worker.postMessage(request);
  await built;
  // Collect the previous frame here before the clock starts; freeing a gigabyte is finished off the main thread,
  // and a hand-off that waits for that would be measuring the last one's clean-up.
  gc();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const arrived = once(worker, "message");
  worker.postMessage("go");
  const [message] = (await arrived) as [HandoffMessage];
  const received = now();
  const frame = await decodeOnMain(codecs, request, message.wire);
  const decoded = now();
  const rows = readLastRow(frame);
  const done = now();
  if (rows !== message.rows) throw new Error(`main thread saw ${rows} rows, the worker sent ${message.rows}`);
  return { totalMs: done - message.t0, encodeMs: message.t1 - message.t0, transitMs: received - message.t1, decodeMs: decoded - received, readMs: done - decoded };
}

async function decodeOnMain(codecs: CodecSet, request: HandoffRequest, wire: WireValue): Promise<Table | pl.DataFrame> {
  if (request.path === "codec") return (await codecs.decode(wire)) as Table | pl.DataFrame;
  const bytes = (wire as { v: Uint8Array }).v;
  if (request.kind === "arrow") return tableFromIPC(bytes);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return request.path === "ipc-stream" ? pl.readIPCStream(buffer) : pl.readIPC(buffer);
}

/** Reads every column's last value (proof the frame is usable) and returns the row count. */
function readLastRow(frame: Table | pl.DataFrame): number {
  if (frame instanceof Table) {
    const last = frame.get(frame.numRows - 1)!.toJSON() as { id: number; name: string };
    if (last.name !== String(last.id).padStart(12, "0")) throw new Error(`bad last row ${JSON.stringify(last)}`);
    return frame.numRows;
  }
  const last = frame.tail(1).toRecords()[0] as { id: number; name: string };
  if (last.name !== String(last.id).padStart(12, "0")) throw new Error(`bad last row ${JSON.stringify(last)}`);
  return frame.height;
}
