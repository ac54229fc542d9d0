import type { ValueCodec } from "./codec.ts";
import { createHandoffFile, handoffDirectory, handoffWriteError, removeHandoffFile } from "./handoff-files.ts";

interface PolarsFrame {
  lazy(): { sinkIpc(path: string, options: { compression: "uncompressed"; maintainOrder: boolean }): { collect(): Promise<unknown> } };
  readonly height: number;
  readonly width: number;
}

/** What crosses the thread boundary: where the frame's Arrow IPC file is. */
export interface PolarsFramePayload {
  readonly path: string;
}

/**
 * nodejs-polars DataFrame, detected by shape so no copy of polars is imported to check. Polars keeps its columns in
 * native memory that no JavaScript thread can move, so polars writes the frame as one uncompressed Arrow IPC file
 * into the hand-off directory (`/dev/shm`: memory, not disk; see handoff-files.ts), only the path crosses with the
 * message, and polars reads the file on the other side, which removes it. The bytes never pass through JavaScript
 * (a Buffer result would be gathered from chunks and copied again). Uncompressed because compressing costs more
 * than it saves between threads of one process.
 */
export const polarsDataFrameCodec: ValueCodec = {
  name: "polars.DataFrame",
  matches: (value) =>
    typeof value === "object" && value !== null && typeof (value as { writeIPC?: unknown }).writeIPC === "function" && typeof (value as { height?: unknown }).height === "number",
  encode: async (value): Promise<PolarsFramePayload> => {
    const frame = value as PolarsFrame;
    // `.ipc`: polars reads a string argument as a path only with that extension.
    const path = createHandoffFile(".ipc");
    try {
      // sinkIpc (polars' streaming writer) writes large batches in parallel: about half the CPU of writeIPC, which
      // writes through a small buffer (the threads benchmark's hand-off figures compare the two codecs). Async, so
      // the thread's event loop is free while polars' threads write.
      await frame.lazy().sinkIpc(path, { compression: "uncompressed", maintainOrder: true }).collect();
      return { path };
    } catch (error) {
      removeHandoffFile(path);
      throw handoffWriteError(error, handoffDirectory(), `a polars DataFrame of ${frame.height} rows × ${frame.width} columns`);
    }
  },
  decode: async (payload) => {
    const { path } = payload as PolarsFramePayload;
    try {
      const pl = (await import("nodejs-polars")).default;
      // scanIPC decodes the record batches in parallel, on polars' threads while this thread's event loop goes on
      // (the main thread keeps serving other workers). It reads its argument as a glob, so a path with glob
      // characters (a TMPDIR such as /tmp/[x]) is read by readIPC instead.
      return /[*?[\]{}]/.test(path) ? pl.readIPC(path) : await pl.scanIPC(path, { cache: false, rechunk: false }).collect();
    } finally {
      // What polars read is its own memory: the file is no longer needed, whether the read worked or not.
      removeHandoffFile(path);
    }
  },
};
