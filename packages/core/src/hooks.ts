import type { AssetKey } from "./asset-key.ts";
import type { SerializedError } from "./errors.ts";
import type { StepLogger } from "./logger.ts";
import type { RunRecord } from "./run-record.ts";

export interface HookContext {
  readonly run: RunRecord;
  readonly stepKey: string;
  readonly assetKeys: readonly AssetKey[];
  readonly partitionKey?: string;
  /** Set for failure hooks. */
  readonly error?: SerializedError;
  readonly resources: Readonly<Record<string, unknown>>;
  readonly log: StepLogger;
}

/**
 * Runs after a step succeeds or fails (after retries are exhausted). A throwing hook is reported as a
 * HOOK_ERRORED event; it never changes the step's outcome.
 */
export interface StepHook {
  readonly kind: "orch.hook";
  readonly name: string;
  readonly on: "success" | "failure";
  readonly resources?: readonly string[];
  run(context: HookContext): void | Promise<void>;
}

export function successHook(name: string, run: StepHook["run"], resources?: readonly string[]): StepHook {
  return { kind: "orch.hook", name, on: "success", run, ...(resources ? { resources } : {}) };
}

export function failureHook(name: string, run: StepHook["run"], resources?: readonly string[]): StepHook {
  return { kind: "orch.hook", name, on: "failure", run, ...(resources ? { resources } : {}) };
}
