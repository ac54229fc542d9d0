import { isMarkedAsUntransferable } from "node:worker_threads";
import { OrchError } from "@orch/core";

/** A typed array (what Arrow column buffers and encoded bytes are). */
export interface TypedView extends ArrayBufferView {
  slice(): TypedView;
}

/** A slot in a message payload that holds one typed array; the receiver reads `v`. */
export interface BufferRef<T extends TypedView = TypedView> {
  v: T;
}

/** Why a buffer was copied instead of moved with the message. */
export type CopyReason =
  /** The sender keeps using the value (e.g. the main thread's in-memory IO manager still holds it). */
  | "kept"
  /** The runtime refuses to move this memory (Node's pooled small Buffers, memory owned by a native add-on). */
  | "untransferable"
  /** The view is a small part of a larger ArrayBuffer: moving it would move (and take away) the rest too. */
  | "mostly-unused";

export interface CopyNote {
  readonly reason: CopyReason;
  readonly bytes: number;
}

export interface PreparedBuffers {
  /** ArrayBuffers to list in postMessage's transferList. */
  readonly transfer: ArrayBuffer[];
  /** What was copied, and why (empty when everything moved). */
  readonly copies: CopyNote[];
}

/** Below this size an ArrayBuffer is moved whole even when the value uses little of it: copying would save nothing. */
const SMALL_BUFFER_BYTES = 64 * 1024;

interface Entry {
  readonly ref: BufferRef;
  /** Part of the value itself (an Arrow column buffer), as opposed to bytes an encoder made for this message. */
  readonly borrowed: boolean;
}

/**
 * Collects the typed arrays of one message and decides, per ArrayBuffer, whether it moves with the message
 * (transferred whole, so every view into it arrives as a view into the same memory: no copy) or whether the views
 * are copied out first. Copies happen only when moving is wrong or impossible (see CopyReason). SharedArrayBuffers
 * are shared by postMessage as they are.
 */
export class MessageBuffers {
  readonly #keep: boolean;
  readonly #entries: Entry[] = [];

  /** `keep`: the sender still uses the value after posting, so memory that belongs to it must not move away. */
  constructor(keep: boolean) {
    this.#keep = keep;
  }

  /** A view into the value's own memory (e.g. an Arrow column buffer). */
  borrow<T extends TypedView>(view: T): BufferRef<T> {
    return this.#add(view, true);
  }

  /** Bytes made for this message by an encoder: nobody else holds them. */
  own<T extends TypedView>(view: T): BufferRef<T> {
    return this.#add(view, false);
  }

  #add<T extends TypedView>(view: T, borrowed: boolean): BufferRef<T> {
    const ref = { v: view };
    this.#entries.push({ ref, borrowed });
    return ref;
  }

  /** Copies what must be copied (replacing the views in their refs) and lists the ArrayBuffers that move. */
  prepare(): PreparedBuffers {
    const byBuffer = new Map<ArrayBufferLike, Entry[]>();
    for (const entry of this.#entries) {
      if (isDetached(entry.ref.v.buffer)) {
        throw new OrchError(
          "VALUE_ALREADY_MOVED",
          "A value whose buffers were already moved to another thread cannot be sent again (an Arrow table handed over by a step is empty in the thread that returned it): build a new table for each output.",
          { pkg: "threads" },
        );
      }
      // An empty view gets its own empty buffer: nothing to move, and the one it had may be a shared constant.
      if (entry.ref.v.byteLength === 0) {
        entry.ref.v = entry.ref.v.slice();
        continue;
      }
      const buffer = entry.ref.v.buffer;
      const group = byBuffer.get(buffer);
      if (group) group.push(entry);
      else byBuffer.set(buffer, [entry]);
    }
    const transfer: ArrayBuffer[] = [];
    const copies: CopyNote[] = [];
    for (const [buffer, entries] of byBuffer) {
      if (typeof SharedArrayBuffer !== "undefined" && buffer instanceof SharedArrayBuffer) continue;
      const arrayBuffer = buffer as ArrayBuffer;
      const reason = this.#copyReason(arrayBuffer, entries);
      if (reason === undefined) {
        transfer.push(arrayBuffer);
        continue;
      }
      let bytes = 0;
      for (const { ref } of entries) {
        ref.v = ref.v.slice();
        bytes += ref.v.byteLength;
        transfer.push(ref.v.buffer as ArrayBuffer);
      }
      copies.push({ reason, bytes });
    }
    return { transfer, copies };
  }

  #copyReason(buffer: ArrayBuffer, entries: readonly Entry[]): CopyReason | undefined {
    if (this.#keep && entries.some((e) => e.borrowed)) return "kept";
    if (isMarkedAsUntransferable(buffer)) return "untransferable";
    if (buffer.byteLength > SMALL_BUFFER_BYTES && 2 * coveredBytes(entries) < buffer.byteLength) return "mostly-unused";
    return undefined;
  }
}

function isDetached(buffer: ArrayBufferLike): boolean {
  return (buffer as { detached?: boolean }).detached === true;
}

/** Bytes of the ArrayBuffer that the views cover (overlapping views counted once). */
function coveredBytes(entries: readonly Entry[]): number {
  const ranges = entries.map(({ ref }) => [ref.v.byteOffset, ref.v.byteOffset + ref.v.byteLength] as const).sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let end = 0;
  for (const [from, to] of ranges) {
    if (to <= end) continue;
    covered += to - Math.max(from, end);
    end = to;
  }
  return covered;
}
