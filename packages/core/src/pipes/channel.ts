import { execFile } from "node:child_process";
import { closeSync, constants, openSync, readSync, writeFileSync } from "node:fs";
import { Socket } from "node:net";
import { StringDecoder } from "node:string_decoder";
import { promisify } from "node:util";
import { OrchError } from "../errors.ts";
import { PipesErrorCode } from "./errors.ts";

/**
 * Where the process writes its messages. `file` (the default): a plain file, polled every 50 ms, which also works
 * for writers on other machines sharing a mount. `fifo`: a named pipe, read as bytes arrive, at the cost of one
 * `mkfifo` process per session.
 */
export type PipesChannelKind = "fifo" | "file";

export interface PipesChannel {
  readonly kind: PipesChannelKind;
  readonly path: string;
  /** Stops reading once everything written so far was delivered (the process has exited). */
  close(): Promise<void>;
}

/** Splits a byte stream into lines; the last line may lack its newline. */
class LineSplitter {
  readonly #decoder = new StringDecoder("utf8");
  #partial = "";
  #lineNumber = 0;
  readonly #onLine: (line: string, lineNumber: number) => void;
  constructor(onLine: (line: string, lineNumber: number) => void) {
    this.#onLine = onLine;
  }
  push(chunk: Buffer): void {
    const lines = (this.#partial + this.#decoder.write(chunk)).split("\n");
    this.#partial = lines.pop() ?? "";
    for (const line of lines) this.#emit(line);
  }
  end(): void {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = "";
    if (rest.length > 0) this.#emit(rest);
  }
  #emit(line: string): void {
    this.#lineNumber++;
    const trimmed = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (trimmed.trim().length > 0) this.#onLine(trimmed, this.#lineNumber);
  }
}

const execFileAsync = promisify(execFile);

export async function openChannel(kind: PipesChannelKind, path: string, onLine: (line: string, lineNumber: number) => void, pollMs = 50): Promise<PipesChannel> {
  return kind === "fifo" ? openFifoChannel(path, onLine) : openFileChannel(path, onLine, pollMs);
}

async function openFifoChannel(path: string, onLine: (line: string, lineNumber: number) => void): Promise<PipesChannel> {
  try {
    await execFileAsync("mkfifo", ["-m", "600", path]);
  } catch (cause) {
    throw new OrchError(PipesErrorCode.PIPES_SETUP_FAILED, `could not create the Pipes FIFO ${path} with mkfifo: ${(cause as Error).message}; use channel: "file"`, { cause });
  }
  // Non-blocking opens: the reader first (so opening the writer does not fail), then a writer of our own so the
  // reader sees no end-of-file before the process opens the FIFO. Closing ours at the end lets EOF arrive after
  // the process's last bytes.
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const keepAliveFd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  const splitter = new LineSplitter(onLine);
  const socket = new Socket({ fd: readFd, readable: true, writable: false });
  const ended = new Promise<void>((resolve) => {
    socket.on("data", (chunk: Buffer) => splitter.push(chunk));
    socket.on("end", () => resolve());
    socket.on("error", () => resolve());
  });
  let closed = false;
  return {
    kind: "fifo",
    path,
    async close() {
      if (closed) return ended;
      closed = true;
      closeSync(keepAliveFd);
      // A grandchild that inherited the FIFO could keep it open forever: stop waiting after a while.
      const timer = setTimeout(() => socket.destroy(), 2000);
      await ended;
      clearTimeout(timer);
      splitter.end();
      socket.destroy();
    },
  };
}

async function openFileChannel(path: string, onLine: (line: string, lineNumber: number) => void, pollMs: number): Promise<PipesChannel> {
  writeFileSync(path, "", { mode: 0o600 });
  const fd = openSync(path, "r");
  const splitter = new LineSplitter(onLine);
  const buffer = Buffer.alloc(64 * 1024);
  let offset = 0;
  const drain = (): void => {
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, offset);
      if (read === 0) return;
      offset += read;
      splitter.push(buffer.subarray(0, read));
    }
  };
  const timer = setInterval(drain, pollMs);
  let closed = false;
  return {
    kind: "file",
    path,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      drain();
      splitter.end();
      closeSync(fd);
    },
  };
}
