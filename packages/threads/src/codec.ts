import { pathToFileURL } from "node:url";
import { isAbsolute, resolve } from "node:path";
import type { Transferable } from "node:worker_threads";
import { OrchError } from "@orch/core";

/**
 * Turns a value into bytes and back so it can cross a thread boundary by transfer instead of structured clone.
 * Both threads must know the codec: built-ins (nodejs-polars DataFrame, apache-arrow Table) are always there;
 * custom codecs are modules whose default export is a ValueCodec, loaded in every thread.
 */
export interface ValueCodec {
  readonly name: string;
  matches(value: unknown): boolean;
  encode(value: unknown): Uint8Array | Promise<Uint8Array>;
  decode(bytes: Uint8Array): unknown;
}

export type WireValue =
  | { readonly c: "clone"; readonly v: unknown }
  | { readonly c: "codec"; readonly codec: string; readonly bytes: Uint8Array }
  | { readonly c: "map"; readonly entries: readonly (readonly [unknown, WireValue])[] };

export interface Encoded {
  readonly wire: WireValue;
  /** ArrayBuffers to move with the message (each owned by exactly one encoded buffer). */
  readonly transfer: ArrayBuffer[];
}

/** nodejs-polars DataFrame, detected by shape so no copy of polars is imported to check. */
export const polarsDataFrameCodec: ValueCodec = {
  name: "polars.DataFrame",
  matches: (value) =>
    typeof value === "object" && value !== null && typeof (value as { writeIPCStream?: unknown }).writeIPCStream === "function" && typeof (value as { height?: unknown }).height === "number",
  // Uncompressed on purpose: the bytes only cross threads, and apache-arrow cannot read compressed IPC.
  encode: (value) => (value as { writeIPCStream(): Uint8Array }).writeIPCStream(),
  decode: async (bytes) => {
    const pl = (await import("nodejs-polars")).default;
    return pl.readIPCStream(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  },
};

/** apache-arrow Table, recognised by its `Symbol.for("apache-arrow/Table")` brand (works across library copies). */
export const arrowTableCodec: ValueCodec = {
  name: "arrow.Table",
  matches: (value) => typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[Symbol.for("apache-arrow/Table")] === true,
  encode: async (value) => (await import("apache-arrow")).tableToIPC(value as never, "stream"),
  // Zero-copy: the table's vectors are views over the transferred buffer.
  decode: async (bytes) => (await import("apache-arrow")).tableFromIPC(bytes),
};

export const BUILTIN_CODECS: readonly ValueCodec[] = [polarsDataFrameCodec, arrowTableCodec];

export class CodecSet {
  readonly #codecs: readonly ValueCodec[];

  constructor(codecs: readonly ValueCodec[]) {
    this.#codecs = codecs;
  }

  /** Built-ins plus the codecs exported (default) by each module path or specifier. */
  static async load(modules: readonly string[]): Promise<CodecSet> {
    const custom: ValueCodec[] = [];
    for (const specifier of modules) {
      const target = specifier.startsWith(".") || isAbsolute(specifier) ? pathToFileURL(resolve(specifier)).href : specifier;
      const codec = ((await import(target)) as { default?: ValueCodec }).default;
      if (!codec || typeof codec.matches !== "function" || typeof codec.encode !== "function" || typeof codec.decode !== "function") {
        throw new OrchError("INVALID_CODEC", `Codec module "${specifier}" must default-export { name, matches, encode, decode }.`, { pkg: "threads" });
      }
      custom.push(codec);
    }
    return new CodecSet([...custom, ...BUILTIN_CODECS]);
  }

  async encode(value: unknown): Promise<Encoded> {
    const transfer: ArrayBuffer[] = [];
    const wire = await this.#encode(value, transfer);
    return { wire, transfer };
  }

  async #encode(value: unknown, transfer: ArrayBuffer[]): Promise<WireValue> {
    if (value instanceof Map) {
      const entries: (readonly [unknown, WireValue])[] = [];
      for (const [k, v] of value) entries.push([k, await this.#encode(v, transfer)]);
      return { c: "map", entries };
    }
    const codec = this.#codecs.find((c) => c.matches(value));
    if (!codec) return { c: "clone", v: value };
    const bytes = ownedBytes(await codec.encode(value));
    transfer.push(bytes.buffer as ArrayBuffer);
    return { c: "codec", codec: codec.name, bytes };
  }

  async decode(wire: WireValue): Promise<unknown> {
    if (wire.c === "clone") return wire.v;
    if (wire.c === "map") {
      const out = new Map<unknown, unknown>();
      for (const [k, v] of wire.entries) out.set(k, await this.decode(v));
      return out;
    }
    const codec = this.#codecs.find((c) => c.name === wire.codec);
    if (!codec) throw new OrchError("INVALID_CODEC", `No codec named "${wire.codec}" in this thread; list its module in the executor's codecs option.`, { pkg: "threads" });
    return codec.decode(wire.bytes);
  }
}

/** Bytes that own their whole ArrayBuffer, so transferring it moves nothing else (Node pools small Buffers). */
function ownedBytes(bytes: Uint8Array): Uint8Array {
  const shared = typeof SharedArrayBuffer !== "undefined" && bytes.buffer instanceof SharedArrayBuffer;
  if (!shared && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes;
  return new Uint8Array(bytes);
}

/** Posts with the transfer list; buffers the runtime refuses to transfer (e.g. external memory) are cloned instead. */
export function postWithTransfer(port: { postMessage(message: unknown, transfer?: readonly Transferable[]): void }, message: unknown, transfer: readonly ArrayBuffer[]): void {
  if (transfer.length === 0) return port.postMessage(message);
  try {
    port.postMessage(message, transfer);
  } catch (error) {
    if ((error as Error)?.name !== "DataCloneError") throw error;
    port.postMessage(message);
  }
}
