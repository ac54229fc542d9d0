import { readFileSync } from "node:fs";
import { hostname } from "node:os";

/** Which process on which host runs something: enough to tell, on that host, whether it is still alive. */
export interface ProcessIdentity {
  readonly host: string;
  readonly pid: number;
  /** The kernel's start time of the process (clock ticks since boot, Linux); tells a reused pid apart. */
  readonly startTime?: string;
}

let self: ProcessIdentity | undefined;

export function currentProcess(): ProcessIdentity {
  self ??= localProcess(process.pid);
  return self;
}

/** The identity of a process of this host (its start time read now). */
export function localProcess(pid: number): ProcessIdentity {
  const startTime = processStartTime(pid);
  return { host: hostname(), pid, ...(startTime !== undefined ? { startTime } : {}) };
}

/**
 * Whether the process is alive, when that can be known: `true` or `false` for a process of this host, `undefined`
 * for another host's (only its heartbeat can tell).
 */
export function isProcessAlive(identity: ProcessIdentity): boolean | undefined {
  if (identity.host !== currentProcess().host) return undefined;
  if (!pidExists(identity.pid)) return false;
  if (identity.startTime === undefined) return true;
  const now = processStartTime(identity.pid);
  // A different start time means the pid was reused by a new process after ours died.
  return now === undefined || now === identity.startTime;
}

/** Whether a process of this host has this pid (signal 0 probes without signalling). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Field 22 of /proc/<pid>/stat; undefined where /proc is not available. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    return undefined;
  }
}
