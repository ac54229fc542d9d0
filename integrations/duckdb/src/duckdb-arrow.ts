// Query results as Arrow IPC without files: the columns of each DuckDB result chunk are copied from the vectors'
// native memory (validity bitmaps too; DuckDB's and Arrow's share a layout) straight into their places in one
// preallocated, uncompressed IPC stream, or into typed arrays that apache-arrow assembles into one when the layout
// could not be sized up front. @duckdb/node-api has no Arrow export and DuckDB's arrow extension cannot be installed
// offline, so this reads the vectors through @duckdb/node-bindings.
import duckdb from "@duckdb/node-bindings";
import { DuckDBTypeId, type DuckDBConnection } from "@duckdb/node-api";
import {
  Bool, DateDay, Field, Float32, Float64, Int16, Int32, Int64, Int8, makeData, RecordBatch, Schema, Struct, Table, tableToIPC,
  TimeUnit, Timestamp, Uint16, Uint32, Uint64, Uint8, Utf8View, Message, MessageHeader, MessageReader, type Data, type DataType,
} from "apache-arrow";

/** Fixed-width DuckDB types whose vector data is Arrow's data buffer as is: bytes per value and the Arrow type. */
const FIXED: Partial<Record<DuckDBTypeId, { readonly width: number; readonly arrow: () => DataType }>> = {
  [DuckDBTypeId.TINYINT]: { width: 1, arrow: () => new Int8() },
  [DuckDBTypeId.SMALLINT]: { width: 2, arrow: () => new Int16() },
  [DuckDBTypeId.INTEGER]: { width: 4, arrow: () => new Int32() },
  [DuckDBTypeId.BIGINT]: { width: 8, arrow: () => new Int64() },
  [DuckDBTypeId.UTINYINT]: { width: 1, arrow: () => new Uint8() },
  [DuckDBTypeId.USMALLINT]: { width: 2, arrow: () => new Uint16() },
  [DuckDBTypeId.UINTEGER]: { width: 4, arrow: () => new Uint32() },
  [DuckDBTypeId.UBIGINT]: { width: 8, arrow: () => new Uint64() },
  [DuckDBTypeId.FLOAT]: { width: 4, arrow: () => new Float32() },
  [DuckDBTypeId.DOUBLE]: { width: 8, arrow: () => new Float64() },
  // Days since the epoch (int32), as Arrow's date32.
  [DuckDBTypeId.DATE]: { width: 4, arrow: () => new DateDay() },
  // Instants as int64 counts since the epoch in the unit the type names.
  [DuckDBTypeId.TIMESTAMP]: { width: 8, arrow: () => new Timestamp(TimeUnit.MICROSECOND) },
  [DuckDBTypeId.TIMESTAMP_MS]: { width: 8, arrow: () => new Timestamp(TimeUnit.MILLISECOND) },
  [DuckDBTypeId.TIMESTAMP_NS]: { width: 8, arrow: () => new Timestamp(TimeUnit.NANOSECOND) },
  [DuckDBTypeId.TIMESTAMP_TZ]: { width: 8, arrow: () => new Timestamp(TimeUnit.MICROSECOND, "UTC") },
};

/** DuckDB type names (as `duckdb_columns()` reports them) this reader copies; other columns go out as Parquet. */
const COLUMNAR_TYPE_NAMES = new Set([
  "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE",
  "DATE", "TIMESTAMP", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP WITH TIME ZONE", "VARCHAR",
]);

/** Whether every column of these DuckDB types can be read columnar (else the caller uses Parquet). */
export function readsColumnar(types: readonly string[]): boolean {
  return types.every((type) => COLUMNAR_TYPE_NAMES.has(type));
}

/** Bytes of a `duckdb_string_t`: a uint32 length, then 12 inlined bytes, or 4 prefix bytes and a pointer. */
const STRING_T = 16;
const INLINED = 12;
/** Arrow views address their data buffer with a uint32 offset (kept within int32 for readers that sign it). */
const MAX_STRING_BYTES = 2 ** 31 - 1;

interface Column {
  readonly name: string;
  readonly type: DuckDBTypeId;
  /** Bytes per row of `values` (fixed width), of `views` (strings, 16) or 0 for booleans (bits). */
  readonly width: number;
  validity: Uint8Array;
  /** Fixed-width values, booleans as bits, or the bytes of a string column's strings longer than 12 bytes. */
  values: Uint8Array;
  /** A string column's views (16 bytes a row); `end` is how many bytes of `values` a string column uses. */
  views?: Uint8Array;
  end: number;
}

/**
 * Runs `sql` and returns its result as uncompressed Arrow IPC stream bytes, or undefined when a column has a type
 * this reader does not copy (the caller then reads another way). `expectedRows` sizes the buffers (they grow past it).
 */
export async function queryArrowIPC(connection: DuckDBConnection, sql: string, expectedRows: number): Promise<{ bytes: Uint8Array; rows: number } | undefined> {
  // A streaming result, with the next chunk always requested before the current one is copied: DuckDB produces
  // chunk n + 1 on its threads while this thread copies chunk n.
  const result = await connection.stream(sql);
  const columns: Column[] = [];
  for (let i = 0; i < result.columnCount; i++) {
    const type = result.columnTypeId(i);
    const width = type === DuckDBTypeId.VARCHAR ? STRING_T : type === DuckDBTypeId.BOOLEAN ? 0 : FIXED[type]?.width;
    if (width === undefined) return undefined;
    columns.push({ name: result.columnName(i), type, width, validity: new Uint8Array(0), values: new Uint8Array(0), end: 0 });
  }
  // With the row count known, the columns are copied straight into their places in the IPC stream's body.
  const stream = expectedRows > 0 ? layOutStream(columns, expectedRows) : undefined;
  let capacity = stream ? expectedRows : 0;
  const reserve = (rows: number) => {
    if (rows <= capacity) return;
    capacity = Math.max(rows, capacity * 2, expectedRows, 2048);
    for (const column of columns) {
      column.validity = grown(column.validity, Math.ceil(capacity / 8));
      if (column.type === DuckDBTypeId.VARCHAR) column.views = grown(column.views ?? new Uint8Array(0), capacity * STRING_T);
      else column.values = grown(column.values, column.width ? capacity * column.width : Math.ceil(capacity / 8));
    }
  };
  let row = 0;
  let next = result.fetchChunk();
  try {
    for (;;) {
      const fetched = await next;
      if (!fetched || fetched.rowCount === 0) break;
      next = result.fetchChunk();
      const chunk = fetched.chunk;
      const size = fetched.rowCount;
      reserve(row + size);
      for (let i = 0; i < columns.length; i++) {
        const column = columns[i]!;
        const vector = duckdb.data_chunk_get_vector(chunk, i);
        const validity = duckdb.vector_get_validity(vector, Math.ceil(size / 64) * 8) as Uint8Array | null;
        copyValidity(column.validity, row, size, validity);
        if (column.type === DuckDBTypeId.VARCHAR) {
          if (!copyStrings(column, row, size, duckdb.vector_get_data(vector, size * STRING_T), validity)) return undefined;
        } else if (column.type === DuckDBTypeId.BOOLEAN) {
          packBooleans(column.values, row, duckdb.vector_get_data(vector, size));
        } else {
          column.values.set(duckdb.vector_get_data(vector, size * column.width), row * column.width);
        }
      }
      row += size;
    }
  } finally {
    // Never leave a fetch running on a result this function gives up on.
    await next.catch(() => undefined);
  }
  // In place unless the rows outgrew the count or long strings need a data buffer the layout could not size.
  if (stream && row === expectedRows && columns.every((c) => c.end === 0)) {
    const bytes = finishStream(stream, columns, row);
    if (bytes) return { bytes, rows: row };
  }
  const fields: Field[] = [];
  const children: Data[] = [];
  for (const column of columns) {
    const data = arrowData(column, row);
    fields.push(new Field(column.name, data.type, true));
    children.push(data);
  }
  const batch = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: row, children, nullCount: 0 }));
  return { bytes: tableToIPC(new Table([batch]), "stream"), rows: row };
}

// An Arrow IPC stream is: the schema message, one record batch message and its body, then an end marker; each
// message is a 0xFFFFFFFF continuation, its length and a flatbuffer, padded to 8 bytes. Its body holds each
// column's buffers (validity, then values or views) at 8-byte aligned offsets the message lists.
interface StreamLayout {
  readonly bytes: Uint8Array;
  /** Where the record batch message goes, the size its flatbuffer must have, and where the body starts. */
  readonly messageAt: number;
  readonly messageSize: number;
  readonly bodyAt: number;
  readonly bodyLength: number;
  readonly fields: readonly Field[];
}

const pad8 = (n: number) => (n + 7) & ~7;

/** The record batch header classes of apache-arrow's IPC metadata, taken from a message it wrote itself. */
interface IPCMetadata {
  readonly RecordBatchHeader: new (length: number, nodes: unknown[], buffers: unknown[], compression: null, variadicBufferCounts: number[]) => unknown;
  readonly FieldNode: new (length: number, nullCount: number) => unknown;
  readonly BufferRegion: new (offset: number, length: number) => unknown;
}
let metadata: IPCMetadata | undefined;

function ipcMetadata(): IPCMetadata {
  if (metadata) return metadata;
  const probe = new RecordBatch(new Schema([new Field("x", new Int32(), true)]), makeData({
    type: new Struct([new Field("x", new Int32(), true)]), length: 1, nullCount: 0,
    children: [makeData({ type: new Int32(), length: 1, nullCount: 0, data: Int32Array.of(1) })],
  }));
  const reader = new MessageReader(tableToIPC(new Table([probe]), "stream"));
  reader.readMessage(MessageHeader.Schema);
  const header = reader.readMessage(MessageHeader.RecordBatch)!.header() as unknown as { constructor: IPCMetadata["RecordBatchHeader"]; nodes: { constructor: IPCMetadata["FieldNode"] }[]; buffers: { constructor: IPCMetadata["BufferRegion"] }[] };
  metadata = { RecordBatchHeader: header.constructor, FieldNode: header.nodes[0]!.constructor, BufferRegion: header.buffers[0]!.constructor };
  return metadata;
}

/** Each column's buffers in body order: validity, then values (fixed width, booleans) or views (strings). */
function bodyBuffers(column: Column, rows: number): number[] {
  return [pad8(Math.ceil(rows / 8)), pad8(column.width ? rows * column.width : Math.ceil(rows / 8))];
}

function recordBatchMessage(columns: readonly Column[], rows: number, nulls: readonly number[], bodyLength: number): Uint8Array {
  const { RecordBatchHeader, FieldNode, BufferRegion } = ipcMetadata();
  const buffers: unknown[] = [];
  let offset = 0;
  for (const column of columns) {
    const [validity, values] = bodyBuffers(column, rows);
    buffers.push(new BufferRegion(offset, Math.ceil(rows / 8)), new BufferRegion(offset + validity!, column.width ? rows * column.width : Math.ceil(rows / 8)));
    offset += validity! + values!;
  }
  const nodes = columns.map((_, i) => new FieldNode(rows, nulls[i]!));
  const variadic = columns.filter((c) => c.type === DuckDBTypeId.VARCHAR).map(() => 0);
  return Message.encode(Message.from(new RecordBatchHeader(rows, nodes, buffers, null, variadic) as never, bodyLength));
}

/** Allocates the whole stream and points each column's buffers at its place in the body. */
function layOutStream(columns: Column[], rows: number): StreamLayout {
  const fields = columns.map((c) => new Field(c.name, c.type === DuckDBTypeId.VARCHAR ? new Utf8View() : c.type === DuckDBTypeId.BOOLEAN ? new Bool() : FIXED[c.type]!.arrow(), true));
  const schema = Message.encode(Message.from(new Schema(fields)));
  const bodyLength = columns.reduce((sum, c) => sum + bodyBuffers(c, rows).reduce((a, b) => a + b, 0), 0);
  // The flatbuffer's size does not depend on the counts in it (fixed-width fields), so it is known before them.
  const messageSize = recordBatchMessage(columns, rows, columns.map(() => 0), bodyLength).byteLength;
  const messageAt = 8 + pad8(schema.byteLength);
  const bodyAt = messageAt + 8 + pad8(messageSize);
  const bytes = new Uint8Array(bodyAt + bodyLength + 8);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, -1, true);
  view.setInt32(4, pad8(schema.byteLength), true);
  bytes.set(schema, 8);
  view.setInt32(bodyAt + bodyLength, -1, true);
  view.setInt32(bodyAt + bodyLength + 4, 0, true);
  let at = bodyAt;
  for (const column of columns) {
    const [validity, values] = bodyBuffers(column, rows);
    column.validity = bytes.subarray(at, at + validity!);
    if (column.type === DuckDBTypeId.VARCHAR) column.views = bytes.subarray(at + validity!, at + validity! + values!);
    else column.values = bytes.subarray(at + validity!, at + validity! + values!);
    at += validity! + values!;
  }
  return { bytes, messageAt, messageSize, bodyAt, bodyLength, fields };
}

/** Writes the record batch message (with the null counts now known); undefined if its size came out different. */
function finishStream(stream: StreamLayout, columns: readonly Column[], rows: number): Uint8Array | undefined {
  const nulls = columns.map((c) => rows - countSetBits(c.validity, rows));
  const message = recordBatchMessage(columns, rows, nulls, stream.bodyLength);
  if (message.byteLength !== stream.messageSize) return undefined;
  const view = new DataView(stream.bytes.buffer);
  view.setInt32(stream.messageAt, -1, true);
  view.setInt32(stream.messageAt + 4, pad8(message.byteLength), true);
  stream.bytes.set(message, stream.messageAt + 8);
  return stream.bytes;
}

function grown(bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length >= length) return bytes;
  const next = new Uint8Array(length);
  next.set(bytes);
  return next;
}

function arrowData(column: Column, rows: number): Data {
  const nulls = rows - countSetBits(column.validity, rows);
  const nullBitmap = nulls > 0 ? column.validity.subarray(0, Math.ceil(rows / 8)) : undefined;
  const base = { length: rows, nullCount: nulls, ...(nullBitmap ? { nullBitmap } : {}) };
  if (column.type === DuckDBTypeId.VARCHAR) {
    return makeData({ type: new Utf8View(), ...base, views: (column.views ?? new Uint8Array(0)).subarray(0, rows * STRING_T), variadicBuffers: column.end > 0 ? [column.values.subarray(0, column.end)] : [] });
  }
  if (column.type === DuckDBTypeId.BOOLEAN) {
    return makeData({ type: new Bool(), ...base, data: column.values.subarray(0, Math.ceil(rows / 8)) });
  }
  const type = FIXED[column.type]!.arrow();
  const Values = (type as DataType & { ArrayType: { new (buffer: ArrayBufferLike, offset: number, length: number): ArrayLike<unknown> } }).ArrayType;
  const data = new Values(column.values.buffer, column.values.byteOffset, rows);
  return makeData({ type, ...base, data } as Parameters<typeof makeData>[0]);
}

/** DuckDB validity masks are bit-per-row, least significant bit first, like Arrow's; absent means all valid. */
function copyValidity(target: Uint8Array, row: number, size: number, source: Uint8Array | null): void {
  if (row % 8 === 0) {
    const start = row / 8;
    const whole = Math.floor(size / 8);
    if (source) target.set(source.subarray(0, whole), start);
    else target.fill(0xff, start, start + whole);
    for (let i = whole * 8; i < size; i++) setBit(target, row + i, !source || (source[i >> 3]! >> (i & 7)) & 1);
    return;
  }
  for (let i = 0; i < size; i++) setBit(target, row + i, !source || (source[i >> 3]! >> (i & 7)) & 1);
}

function setBit(bits: Uint8Array, index: number, on: number | boolean): void {
  if (on) bits[index >> 3]! |= 1 << (index & 7);
  else bits[index >> 3]! &= ~(1 << (index & 7));
}

/** DuckDB booleans are one byte each; Arrow's are bits. */
function packBooleans(target: Uint8Array, row: number, bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]) target[(row + i) >> 3]! |= 1 << ((row + i) & 7);
}

/**
 * Appends a chunk's strings as Arrow string views. A `duckdb_string_t` and an Arrow view share their first 12 bytes
 * (length, then the string inlined or its 4-byte prefix), so the views are copied whole; a string longer than 12
 * bytes is then copied into the column's data buffer and its view pointed there (buffer 0, offset). Null slots are
 * zeroed (DuckDB leaves them undefined). False when the data outgrows a view's uint32 offset.
 */
function copyStrings(column: Column, row: number, size: number, strings: Uint8Array, validity: Uint8Array | null): boolean {
  const views = column.views!;
  views.set(strings, row * STRING_T);
  const words = new Uint32Array(views.buffer, views.byteOffset + row * STRING_T, size * 4);
  let values = column.values;
  let end = column.end;
  for (let i = 0; i < size; i++) {
    const length = words[i * 4]!;
    if (validity && !((validity[i >> 3]! >> (i & 7)) & 1)) {
      words.fill(0, i * 4, i * 4 + 4);
      continue;
    }
    if (length <= INLINED) continue;
    if (end + length > values.length) {
      if (end + length > MAX_STRING_BYTES) return false;
      const grown = new Uint8Array(Math.min(MAX_STRING_BYTES, Math.max(values.length * 2, end + length, 1 << 16)));
      grown.set(values.subarray(0, end));
      values = grown;
    }
    values.set(duckdb.get_data_from_pointer(strings.buffer as ArrayBuffer, strings.byteOffset + i * STRING_T + 8, length), end);
    words[i * 4 + 2] = 0;
    words[i * 4 + 3] = end;
    end += length;
  }
  column.values = values;
  column.end = end;
  return true;
}

function countSetBits(bits: Uint8Array, length: number): number {
  let count = 0;
  const bytes = length >> 3;
  const words = bits.byteOffset % 4 === 0 ? new Uint32Array(bits.buffer, bits.byteOffset, bytes >> 2) : new Uint32Array(0);
  for (let i = 0; i < words.length; i++) {
    let v = words[i]!;
    if (v === 0xffffffff) {
      count += 32;
      continue;
    }
    v -= (v >>> 1) & 0x55555555;
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    count += (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
  }
  for (let i = words.length * 32; i < length; i++) count += (bits[i >> 3]! >> (i & 7)) & 1;
  return count;
}
