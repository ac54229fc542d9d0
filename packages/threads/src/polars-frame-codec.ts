import type { ValueCodec } from "./codec.ts";

interface PolarsFrame {
  writeIPC(options?: { compression: "uncompressed" }): Buffer;
  writeIPCStream(options?: { compression: "uncompressed" }): Buffer;
  readonly height: number;
}

/** An Arrow IPC file starts (and ends) with these bytes; a stream starts with a message. */
const FILE_MAGIC = Buffer.from("ARROW1");

/**
 * nodejs-polars DataFrame, detected by shape so no copy of polars is imported to check. Polars keeps its columns in
 * native memory that no JavaScript thread can move, so the frame crosses as one uncompressed Arrow IPC buffer:
 * polars writes it, the bytes move with the message, and polars reads them on the other side. The file format is
 * what polars reads fastest (the threads benchmark measures both); a frame the file format cannot hold (a
 * categorical whose chunks have different dictionaries) goes as a stream. Uncompressed because compressing costs
 * more than it saves between threads of one process.
 */
export const polarsDataFrameCodec: ValueCodec = {
  name: "polars.DataFrame",
  matches: (value) =>
    typeof value === "object" && value !== null && typeof (value as { writeIPC?: unknown }).writeIPC === "function" && typeof (value as { height?: unknown }).height === "number",
  encode: (value) => {
    const frame = value as PolarsFrame;
    try {
      return frame.writeIPC({ compression: "uncompressed" });
    } catch (error) {
      if (!/dictionary replacement/i.test((error as Error)?.message ?? "")) throw error;
      return frame.writeIPCStream({ compression: "uncompressed" });
    }
  },
  decode: async (bytes) => {
    const pl = (await import("nodejs-polars")).default;
    const view = bytes as Uint8Array;
    const buffer = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
    return buffer.subarray(0, FILE_MAGIC.length).equals(FILE_MAGIC) ? pl.readIPC(buffer) : pl.readIPCStream(buffer);
  },
};
