import { buildQueuedRun, hasQueueLimits, waitForQueueSlot, type Definitions, type InstanceConfig, type QueuedRunSpec, type QueueLimits } from "@orch/core";
import type { QueueSlot } from "./run-session.ts";

/** The run queue's limits from orch.yaml's `runs:` section. */
export function queueLimits(config: InstanceConfig): QueueLimits {
  return {
    ...(config.runs.maxConcurrent !== undefined ? { maxConcurrentRuns: config.runs.maxConcurrent } : {}),
    tagConcurrencyLimits: config.runs.tagConcurrencyLimits,
  };
}

/** A foreground run waits its turn in the queue when orch.yaml sets limits; without limits it starts at once. */
export function foregroundQueueSlot(config: InstanceConfig, definitions: Definitions, spec: QueuedRunSpec): QueueSlot | undefined {
  const limits = queueLimits(config);
  if (!hasQueueLimits(limits)) return undefined;
  return async (instance, signal) =>
    waitForQueueSlot(instance, await buildQueuedRun(definitions, instance, spec), limits, signal, (reason) =>
      process.stderr.write(`Waiting in the run queue: ${reason} (runs limits in orch.yaml).\n`),
    );
}
