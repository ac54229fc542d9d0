import type { ValueCodec } from "./codec.ts";
import { createHandoffFile, handoffDirectory, handoffWriteError, removeHandoffFile } from "./handoff-files.ts";

interface PolarsFrame {
  lazy(): { sinkIpc(path: string, options: { compression: "uncompressed"; maintainOrder: boolean }): { collectSync(): unknown } };
  writeIPC(destination: string, options?: { compression: "uncompressed" }): void;
  writeIPCStream(destination: string, options?: { compression: "uncompressed" }): void;
  readonly height: number;
  readonly width: number;
}

/** What crosses the thread boundary: where the frame's IPC bytes are, and in which of the two IPC formats. */
export interface PolarsFramePayload {
  readonly path: string;
  readonly format: "file" | "stream";
}

/**
 * nodejs-polars DataFrame, detected by shape so no copy of polars is imported to check. Polars keeps its columns in
 * native memory that no JavaScript thread can move, so polars writes the frame as one uncompressed Arrow IPC file
 * into the hand-off directory (`/dev/shm`: memory, not disk; see handoff-files.ts), only the path crosses with the
 * message, and polars reads the file on the other side, which removes it. Written by polars straight to the file,
 * the bytes never pass through JavaScript (a Buffer result would be gathered from chunks and copied again).
 * A frame the file format cannot hold (a categorical whose chunks have different dictionaries) goes as an IPC
 * stream. Uncompressed because compressing costs more than it saves between threads of one process.
 */
export const polarsDataFrameCodec: ValueCodec = {
  name: "polars.DataFrame",
  matches: (value) =>
    typeof value === "object" && value !== null && typeof (value as { writeIPC?: unknown }).writeIPC === "function" && typeof (value as { height?: unknown }).height === "number",
  encode: (value): PolarsFramePayload => {
    const frame = value as PolarsFrame;
    try {
      return { path: write(frame, "file"), format: "file" };
    } catch (error) {
      if (!/dictionary replacement/i.test((error as Error)?.message ?? "")) throw error;
      return { path: write(frame, "stream"), format: "stream" };
    }
  },
  decode: async (payload) => {
    const { path, format } = payload as PolarsFramePayload;
    try {
      const pl = (await import("nodejs-polars")).default;
      if (format === "stream") return pl.readIPCStream(path);
      // scanIPC decodes the record batches in parallel; it reads its argument as a glob, so a path with glob
      // characters (a TMPDIR such as /tmp/[x]) is read by readIPC instead.
      return /[*?[\]{}]/.test(path) ? pl.readIPC(path) : pl.scanIPC(path, { cache: false, rechunk: false }).collectSync();
    } finally {
      // The frame read is polars' own memory: the file is no longer needed, whether the read worked or not.
      removeHandoffFile(path);
    }
  },
};

/** Writes the frame to a new hand-off file (`.ipc`: polars reads a string argument as a path only with that extension). */
function write(frame: PolarsFrame, format: PolarsFramePayload["format"]): string {
  const path = createHandoffFile(".ipc");
  try {
    // sinkIpc (polars' streaming engine) writes in large parallel batches: about half the CPU of writeIPC (which
    // writes through an 8 KiB buffer), measured per column type by the threads benchmark's author.
    if (format === "file") frame.lazy().sinkIpc(path, { compression: "uncompressed", maintainOrder: true }).collectSync();
    else frame.writeIPCStream(path, { compression: "uncompressed" });
    return path;
  } catch (error) {
    removeHandoffFile(path);
    if (/dictionary replacement/i.test((error as Error)?.message ?? "")) throw error;
    throw handoffWriteError(error, handoffDirectory(), `a polars DataFrame of ${frame.height} rows × ${frame.width} columns`);
  }
}
