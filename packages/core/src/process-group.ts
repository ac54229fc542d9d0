import type { ChildProcess } from "node:child_process";

/**
 * Ends a child started with `detached: true` together with everything it started (adapters, drivers, helpers):
 * `terminate()` sends SIGTERM to its process group and SIGKILL after `graceMs`; `finish()`, once the child has
 * exited, clears the timer and kills whatever of the group is still alive if it was terminated.
 */
export interface ProcessGroupTerminator {
  readonly terminated: boolean;
  terminate(): void;
  finish(): void;
}

export function processGroupTerminator(child: ChildProcess, graceMs = 5000): ProcessGroupTerminator {
  let terminated = false;
  let timer: NodeJS.Timeout | undefined;
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  return {
    get terminated() {
      return terminated;
    },
    terminate() {
      if (terminated) return;
      terminated = true;
      signalGroup("SIGTERM");
      timer = setTimeout(() => signalGroup("SIGKILL"), graceMs);
      timer.unref();
    },
    finish() {
      if (timer) clearTimeout(timer);
      if (terminated) signalGroup("SIGKILL");
    },
  };
}
