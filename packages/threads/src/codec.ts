import { pathToFileURL } from "node:url";
import { isAbsolute, resolve } from "node:path";
import type { Transferable } from "node:worker_threads";
import { OrchError } from "@orch/core";
import { arrowTableCodec } from "./arrow-table-codec.ts";
import { MessageBuffers, type BufferRef, type CopyNote, type TypedView } from "./message-buffers.ts";
import { polarsDataFrameCodec } from "./polars-frame-codec.ts";

/**
 * Turns a value into something that crosses a thread boundary by transfer instead of structured clone, and back.
 * Both threads must know the codec: built-ins (nodejs-polars DataFrame, apache-arrow Table) are always there;
 * custom codecs are modules whose default export is a ValueCodec, loaded in every thread.
 *
 * `encode` returns either bytes (a Uint8Array, moved with the message; `decode` receives it) or a structured-cloneable
 * payload whose typed arrays were registered with `buffers` (`decode` receives the payload).
 */
export interface ValueCodec {
  readonly name: string;
  matches(value: unknown): boolean;
  encode(value: unknown, buffers: MessageBuffers): unknown;
  decode(payload: unknown): unknown;
}

export type WireValue =
  | { readonly c: "clone"; readonly v: unknown }
  | { readonly c: "bytes"; readonly codec: string; readonly bytes: BufferRef<Uint8Array> }
  | { readonly c: "codec"; readonly codec: string; readonly payload: unknown }
  | { readonly c: "map"; readonly entries: readonly (readonly [unknown, WireValue])[] };

export interface Encoded {
  readonly wire: WireValue;
  /** ArrayBuffers to move with the message (each listed once). */
  readonly transfer: ArrayBuffer[];
  /** Buffers that had to be copied rather than moved, and why (empty for a value that moved whole). */
  readonly copies: CopyNote[];
}

export interface EncodeOptions {
  /**
   * The sender keeps using the value after posting it (an IO manager answering loadInput still holds what it
   * returns): its own memory is copied rather than moved. A step's output is given up, so it moves.
   */
  readonly keep: boolean;
}

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

  async encode(value: unknown, options: EncodeOptions): Promise<Encoded> {
    const buffers = new MessageBuffers(options.keep);
    const wire = await this.#encode(value, buffers);
    return { wire, ...buffers.prepare() };
  }

  async #encode(value: unknown, buffers: MessageBuffers): Promise<WireValue> {
    if (value instanceof Map) {
      const entries: (readonly [unknown, WireValue])[] = [];
      for (const [k, v] of value) entries.push([k, await this.#encode(v, buffers)]);
      return { c: "map", entries };
    }
    const codec = this.#codecs.find((c) => c.matches(value));
    if (!codec) return { c: "clone", v: value };
    const payload = await codec.encode(value, buffers);
    if (payload instanceof Uint8Array) return { c: "bytes", codec: codec.name, bytes: buffers.own(payload as Uint8Array & TypedView) };
    return { c: "codec", codec: codec.name, payload };
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
    return codec.decode(wire.c === "bytes" ? wire.bytes.v : wire.payload);
  }
}

/** Posts with the transfer list; buffers the runtime still refuses to transfer are cloned instead. */
export function postWithTransfer(port: { postMessage(message: unknown, transfer?: readonly Transferable[]): void }, message: unknown, transfer: readonly ArrayBuffer[]): void {
  if (transfer.length === 0) return port.postMessage(message);
  try {
    port.postMessage(message, transfer);
  } catch (error) {
    if ((error as Error)?.name !== "DataCloneError") throw error;
    port.postMessage(message);
  }
}

export { arrowTableCodec, polarsDataFrameCodec };
