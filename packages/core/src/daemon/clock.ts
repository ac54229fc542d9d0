import { setTimeout as sleep } from "node:timers/promises";

/** The daemon's time: injectable so tests of ticks, catch-up and intervals run in milliseconds. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}).catch(() => undefined),
};

/** A clock that only moves when told to (tests). `sleep` advances it by the time slept. */
export function manualClock(start: number): Clock & { set(time: number): void; advance(ms: number): void } {
  let time = start;
  return {
    now: () => time,
    sleep: async (ms) => {
      time += ms;
    },
    set: (next) => {
      time = next;
    },
    advance: (ms) => {
      time += ms;
    },
  };
}
