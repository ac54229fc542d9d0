import { randomBytes } from "node:crypto";
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, rmSync, statfsSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMainThread } from "node:worker_threads";
import { currentProcess, isProcessAlive, OrchError } from "@orch/core";

/**
 * Files that carry a value from one thread of this process to another (a polars DataFrame as an Arrow IPC file).
 * They live in one directory per process, `orch-threads-<pid>`, on `/dev/shm` (RAM-backed tmpfs: writing and
 * reading are memory copies, nothing reaches a disk) or, where there is none, in `os.tmpdir()`. The receiver
 * removes each file as soon as it has read it. What a receiver never got to read (a worker terminated mid-hand-off)
 * is removed with the directory when the process exits; directories left by processes that died without exiting
 * (SIGKILL) are removed by the next process that hands a file over.
 */
const PREFIX = "orch-threads-";

let directory: string | undefined;

/** The directory this process hands files through, created (and stale siblings swept) on first use. */
export function handoffDirectory(): string {
  if (directory) return directory;
  const base = isWritableDirectory("/dev/shm") ? "/dev/shm" : tmpdir();
  sweepStale(base);
  directory = ownHandoffDirectory(base, process.pid);
  return directory;
}

/** Makes (or finds) `orch-threads-<pid>` under `base`, refusing one that is not a directory of this user. */
export function ownHandoffDirectory(base: string, pid: number): string {
  const dir = join(base, `${PREFIX}${pid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The base is shared by every user: refuse a directory someone else made (or a symlink) under this process's name.
  const stats = lstatSync(dir);
  if (!stats.isDirectory() || (process.getuid && stats.uid !== process.getuid())) {
    throw new OrchError("HANDOFF_WRITE_FAILED", `"${dir}" is not a directory of this user: it cannot hold this process's thread hand-off files. Remove it.`, { pkg: "threads" });
  }
  return dir;
}

/**
 * A new, empty file in the hand-off directory, created here so that failing to create it is a clear error
 * rather than a panic inside a native writer. `extension` includes the dot.
 */
export function createHandoffFile(extension: string): string {
  const dir = handoffDirectory();
  const path = join(dir, `${randomBytes(8).toString("hex")}${extension}`);
  try {
    closeSync(openSync(path, "wx", 0o600));
  } catch (error) {
    // The directory may have been removed under a long-lived process (a tmp cleaner): make it again, once.
    if ((error as NodeJS.ErrnoException)?.code !== "ENOENT") throw handoffWriteError(error, dir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    closeSync(openSync(path, "wx", 0o600));
  }
  return path;
}

/** Removes a hand-off file; one already gone is fine. */
export function removeHandoffFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code !== "ENOENT") throw error;
  }
}

/** Turns a failed write into an error that says where, why, and what to do (a full tmpfs in particular). */
export function handoffWriteError(error: unknown, dir: string, what = "a value"): OrchError {
  const message = (error as Error)?.message ?? String(error);
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === "ENOSPC" || /no space left|os error 28/i.test(message)) {
    return new OrchError(
      "HANDOFF_SPACE_EXHAUSTED",
      `No space left in "${dir}" to hand ${what} to another thread: it crosses as an Arrow IPC file there and needs about its size in memory${freeSpace(dir)}. Free space in that directory (or enlarge the tmpfs), or return a smaller value.`,
      { pkg: "threads", cause: error },
    );
  }
  return new OrchError("HANDOFF_WRITE_FAILED", `Could not write ${what} to "${dir}" to hand it to another thread: ${message}`, { pkg: "threads", cause: error });
}

function freeSpace(dir: string): string {
  try {
    const stats = statfsSync(dir);
    return ` (${Math.floor((Number(stats.bavail) * Number(stats.bsize)) / 1024 / 1024)} MiB free)`;
  } catch {
    return "";
  }
}

function isWritableDirectory(path: string): boolean {
  try {
    const probe = join(path, `${PREFIX}probe-${process.pid}-${randomBytes(4).toString("hex")}`);
    closeSync(openSync(probe, "wx", 0o600));
    unlinkSync(probe);
    return true;
  } catch {
    return false;
  }
}

/** Removes `orch-threads-<pid>` directories whose process no longer exists. */
function sweepStale(base: string): void {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const pid = Number(name.slice(PREFIX.length));
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isProcessAlive({ host: currentProcess().host, pid })) continue;
    rmSync(join(base, name), { recursive: true, force: true });
  }
}


// Only the main thread's exit is the process's: a worker exiting must not remove files still on their way.
// Any thread may have created the directory, so the main thread removes it wherever it can be.
if (isMainThread) {
  process.on("exit", () => {
    for (const base of new Set(["/dev/shm", tmpdir()])) rmSync(join(base, `${PREFIX}${process.pid}`), { recursive: true, force: true });
  });
}
