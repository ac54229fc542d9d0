import type { Data, DataType, RecordBatch, Table, Vector } from "apache-arrow";
import type { ValueCodec } from "./codec.ts";
import type { BufferRef, MessageBuffers, TypedView } from "./message-buffers.ts";

/** One `Data` node: its buffers as typed arrays (moved, not copied), its children and its dictionary's chunks. */
interface DataWire {
  readonly offset: number;
  readonly length: number;
  readonly nullCount: number;
  /** Indexed like Arrow's BufferType: value offsets, values, validity bitmap, type ids. */
  readonly buffers: readonly (BufferRef | undefined)[];
  readonly variadic: readonly BufferRef[];
  readonly children: readonly DataWire[];
  readonly dictionary: readonly DataWire[] | undefined;
}

interface TableWire {
  /** The schema as a schema-only Arrow IPC stream (types, dictionaries, metadata: a few hundred bytes). */
  readonly schema: BufferRef<Uint8Array>;
  readonly batches: readonly { readonly data: DataWire; readonly metadata: readonly (readonly [string, string])[] }[];
}

/**
 * apache-arrow Table, recognised by its `Symbol.for("apache-arrow/Table")` brand (works across library copies).
 * The table is taken apart into its column buffers, which move with the message, and rebuilt on the other side
 * around the same memory: no byte of column data is copied unless MessageBuffers says why it must be.
 */
export const arrowTableCodec: ValueCodec = {
  name: "arrow.Table",
  matches: (value) => typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[Symbol.for("apache-arrow/Table")] === true,
  encode: async (value, buffers) => {
    const arrow = await import("apache-arrow");
    const table = value as Table;
    const encodeData = dataEncoder(buffers);
    const wire: TableWire = {
      // Rebuilt from its fields so a schema made by another copy of apache-arrow is accepted too.
      schema: buffers.own(arrow.tableToIPC(new arrow.Table(new arrow.Schema(table.schema.fields, table.schema.metadata)), "stream")),
      batches: table.batches.map((batch: RecordBatch) => ({ data: encodeData(batch.data), metadata: [...(batch.metadata ?? new Map())] })),
    };
    return wire;
  },
  decode: async (payload) => {
    const arrow = await import("apache-arrow");
    const wire = payload as TableWire;
    const schema = arrow.tableFromIPC(wire.schema.v).schema;
    const rowType = new arrow.Struct(schema.fields);
    const seen = new Map<DataWire, Data>();
    const rebuild = (type: DataType, node: DataWire): Data => {
      const known = seen.get(node);
      if (known) return known;
      const children = node.children.map((child, i) => rebuild(type.children[i]!.type, child));
      const dictionaryType = (type as { dictionary?: DataType }).dictionary;
      const dictionary = node.dictionary && dictionaryType ? (arrow.makeVector(node.dictionary.map((d) => rebuild(dictionaryType, d))) as Vector) : undefined;
      const [valueOffsets, values, validity, typeIds] = node.buffers.map((ref) => ref?.v);
      const data = new arrow.Data(
        type,
        node.offset,
        node.length,
        node.nullCount,
        { 0: valueOffsets, 1: values, 2: validity, 3: typeIds } as never,
        children,
        dictionary,
        node.variadic.map((ref) => ref.v as Uint8Array),
      );
      seen.set(node, data);
      return data;
    };
    const batches = wire.batches.map((batch) => new arrow.RecordBatch(schema, rebuild(rowType, batch.data) as never, new Map(batch.metadata)));
    return new arrow.Table(schema, batches);
  },
};

/** Walks a Data tree once; a Data reached twice (a dictionary shared by batches) is encoded once and arrives shared. */
function dataEncoder(buffers: MessageBuffers): (data: Data) => DataWire {
  const seen = new Map<Data, DataWire>();
  const ref = (view: unknown) => (ArrayBuffer.isView(view) ? buffers.borrow(view as unknown as TypedView) : undefined);
  const encode = (data: Data): DataWire => {
    const known = seen.get(data);
    if (known) return known;
    const wire: DataWire = {
      offset: data.offset,
      length: data.length,
      nullCount: data.nullCount,
      buffers: [ref(data.valueOffsets), ref(data.values), ref(data.nullBitmap), ref(data.typeIds)],
      variadic: (data.variadicBuffers ?? []).map((view) => buffers.borrow(view)),
      children: data.children.map(encode),
      dictionary: data.dictionary?.data.map(encode),
    };
    seen.set(data, wire);
    return wire;
  };
  return encode;
}
