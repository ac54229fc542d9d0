/**
 * The orch Pipes protocol, version 1, as the client sees it. @orch/core holds the orchestrator's side; this
 * package must not depend on it, so protocol.test.ts checks these constants against core's.
 */
export const PIPES_PROTOCOL = "orch-pipes/1";
export const SUPPORTED_PIPES_PROTOCOLS: readonly string[] = [PIPES_PROTOCOL];
export const PIPES_CONTEXT_ENV = "ORCH_PIPES_CONTEXT";
export const PIPES_MESSAGES_ENV = "ORCH_PIPES_MESSAGES";

export type PipesLogLevel = "debug" | "info" | "warn" | "error";

/** What orch tells the process about the step it runs for. */
export interface PipesContext {
  readonly protocol: string;
  readonly runId: string;
  readonly stepKey: string;
  readonly attempt: number;
  /** `a/b` form; reports that name no asset go to the first. */
  readonly assetKeys: readonly string[];
  readonly partitionKey?: string;
  readonly partitionKeyRange?: { readonly start: string; readonly end: string };
  readonly partitionKeys?: readonly string[];
  readonly timeWindow?: { readonly start: string; readonly end: string };
  readonly config: unknown;
  readonly extras: Readonly<Record<string, unknown>>;
}

export interface MaterializationReport {
  /** Default: the step's only asset. */
  readonly assetKey?: string;
  readonly metadata?: Record<string, unknown>;
  readonly dataVersion?: string;
}

export interface AssetCheckReport {
  readonly checkName: string;
  readonly passed: boolean;
  readonly assetKey?: string;
  /** Default `error`. */
  readonly severity?: "error" | "warn";
  readonly description?: string;
  readonly metadata?: Record<string, unknown>;
}
