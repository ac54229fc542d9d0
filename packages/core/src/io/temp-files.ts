import { randomBytes } from "node:crypto";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { currentProcess, isProcessAlive } from "../process-identity.ts";

/** `<final path>~<host>~<pid>~<start time>~<random>.tmp`: `~` appears in none of these parts. */
const TEMP_NAME = /~([^~/]+)~(\d+)~([^~/]*)~[0-9a-f]+\.tmp$/;

/** A temp file name beside `path` that says which process writes it, so a later run can tell it was abandoned. */
export function tempFileName(path: string): string {
  const self = currentProcess();
  return `${path}~${self.host}~${self.pid}~${self.startTime ?? ""}~${randomBytes(6).toString("hex")}.tmp`;
}

/**
 * Removes temp files under `root` whose writer is a dead process of this host (a killed run's half-written
 * outputs). Files of live processes, of other hosts, or not named by `tempFileName` are left alone.
 */
export async function removeAbandonedTempFiles(root: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(root, { recursive: true });
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMP_NAME.exec(name);
    if (!match) continue;
    const [, host, pid, startTime] = match;
    const alive = isProcessAlive({ host: host!, pid: Number(pid), ...(startTime ? { startTime } : {}) });
    if (alive !== false) continue;
    await rm(join(root, name), { force: true });
    removed.push(name);
  }
  return removed;
}
