// CPU-bound steps (busy work on typed arrays) plus one pinned to the main thread.
import { isMainThread } from "node:worker_threads";
import { asset, defineDefinitions } from "@orch/core";

export const BUSY_MS = 400;

/** Row-wise arithmetic over a typed array for `ms` milliseconds of wall time; returns a checksum. */
function busy(ms: number, seed: number): number {
  const values = Float64Array.from({ length: 100_000 }, (_, i) => (i * seed) % 997);
  const until = performance.now() + ms;
  let sum = 0;
  while (performance.now() < until) for (let i = 0; i < values.length; i++) sum += Math.sqrt(values[i]! + sum) % 7;
  return sum;
}

const crunchers = [1, 2, 3, 4].map((n) =>
  asset({ key: `crunch_${n}`, tags: { cpu: "heavy" }, compute: () => ({ checksum: busy(BUSY_MS, n), mainThread: isMainThread }) }),
);

export const onMain = asset({ key: "on_main", executionHint: "main", compute: () => ({ mainThread: isMainThread }) });

export default defineDefinitions({ assets: [...crunchers, onMain] });
