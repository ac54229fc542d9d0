// Query results as Arrow IPC without files: the columns of each DuckDB result chunk are copied from the vectors'
// native memory straight into preallocated typed arrays (validity bitmaps too; DuckDB's and Arrow's share a layout),
// then wrapped as Arrow data and written as one uncompressed IPC stream. @duckdb/node-api has no Arrow export and
// DuckDB's arrow extension cannot be installed offline, so this reads the vectors through @duckdb/node-bindings.
import duckdb from "@duckdb/node-bindings";
import { DuckDBTypeId, type DuckDBConnection, type DuckDBMaterializedResult } from "@duckdb/node-api";
import {
  Bool, DateDay, Field, Float32, Float64, Int16, Int32, Int64, Int8, makeData, RecordBatch, Schema, Struct, Table, tableToIPC,
  TimeUnit, Timestamp, Uint16, Uint32, Uint64, Uint8, Utf8View, type Data, type DataType,
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
  readonly validity: Uint8Array;
  /** Fixed-width values, or the bytes of a string column's strings longer than 12 bytes (grown as needed). */
  values: Uint8Array;
  /** A string column's views (16 bytes a row) and how many bytes of `values` are used. */
  readonly views?: Uint8Array;
  end: number;
}

/**
 * Runs `sql` and returns its result as uncompressed Arrow IPC stream bytes, or undefined when a column has a type
 * this reader does not copy (the caller then reads another way).
 */
export async function queryArrowIPC(connection: DuckDBConnection, sql: string): Promise<{ bytes: Uint8Array; rows: number } | undefined> {
  // A materialized result: DuckDB runs the query on its own threads, then its chunks are read synchronously.
  const result: DuckDBMaterializedResult = await connection.run(sql);
  const rows = result.rowCount;
  const columns: Column[] = [];
  for (let i = 0; i < result.columnCount; i++) {
    const type = result.columnTypeId(i);
    const fixed = FIXED[type];
    if (!fixed && type !== DuckDBTypeId.BOOLEAN && type !== DuckDBTypeId.VARCHAR) return undefined;
    const validity = new Uint8Array(Math.ceil(rows / 8));
    const name = result.columnName(i);
    if (type === DuckDBTypeId.VARCHAR) columns.push({ name, type, validity, values: new Uint8Array(0), views: new Uint8Array(rows * STRING_T), end: 0 });
    else columns.push({ name, type, validity, values: new Uint8Array(rows * (fixed?.width ?? 1)), end: 0 });
  }
  let row = 0;
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c).chunk;
    const size = duckdb.data_chunk_get_size(chunk);
    if (size === 0) continue;
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
        const width = FIXED[column.type]!.width;
        column.values.set(duckdb.vector_get_data(vector, size * width), row * width);
      }
    }
    row += size;
  }
  const fields: Field[] = [];
  const children: Data[] = [];
  for (const column of columns) {
    const data = arrowData(column, rows);
    fields.push(new Field(column.name, data.type, true));
    children.push(data);
  }
  const batch = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: rows, children, nullCount: 0 }));
  return { bytes: tableToIPC(new Table([batch]), "stream"), rows };
}

function arrowData(column: Column, rows: number): Data {
  const nulls = rows - countSetBits(column.validity, rows);
  const nullBitmap = nulls > 0 ? column.validity : undefined;
  const base = { length: rows, nullCount: nulls, ...(nullBitmap ? { nullBitmap } : {}) };
  if (column.type === DuckDBTypeId.VARCHAR) {
    return makeData({ type: new Utf8View(), ...base, views: column.views!, variadicBuffers: column.end > 0 ? [column.values.subarray(0, column.end)] : [] });
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

const BITS = Uint8Array.from({ length: 256 }, (_, i) => {
  let n = 0;
  for (let b = i; b; b >>= 1) n += b & 1;
  return n;
});

function countSetBits(bits: Uint8Array, length: number): number {
  let count = 0;
  const whole = length >> 3;
  for (let i = 0; i < whole; i++) count += BITS[bits[i]!]!;
  for (let i = whole * 8; i < length; i++) count += (bits[i >> 3]! >> (i & 7)) & 1;
  return count;
}
