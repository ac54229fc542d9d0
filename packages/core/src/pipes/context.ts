import { assetKeyToString, toAssetKey, type AssetKey, type AssetKeyInput } from "../asset-key.ts";
import type { StepLogger } from "../logger.ts";
import type { PartitionedContext } from "../node.ts";
import { PIPES_PROTOCOL, type PipesContextData } from "./protocol.ts";

/** What pipesSubprocess needs from a compute's context: any asset, multi-asset or op context fits. */
export interface PipesStepContext extends PartitionedContext {
  readonly runId: string;
  readonly stepKey: string;
  readonly attempt: number;
  readonly config: unknown;
  readonly log: StepLogger;
  readonly signal: AbortSignal;
  /** Present in an asset's context; multi-assets and ops pass `assetKeys` instead. */
  readonly assetKey?: AssetKey;
}

export function stepAssetKeys(context: PipesStepContext, assetKeys: readonly AssetKeyInput[] | undefined): AssetKey[] {
  if (assetKeys) return assetKeys.map(toAssetKey);
  return context.assetKey ? [context.assetKey] : [];
}

/** The JSON the process reads: everything it needs to know about the step it runs for. */
export function pipesContextData(context: PipesStepContext, assetKeys: readonly AssetKey[], extras: Readonly<Record<string, unknown>>): PipesContextData {
  const keys = context.partitionKeys;
  return {
    protocol: PIPES_PROTOCOL,
    runId: context.runId,
    stepKey: context.stepKey,
    attempt: context.attempt,
    assetKeys: assetKeys.map(assetKeyToString),
    ...(context.partitionKey !== undefined ? { partitionKey: context.partitionKey } : {}),
    ...(keys && keys.length > 0 ? { partitionKeyRange: { start: keys[0]!, end: keys[keys.length - 1]! }, partitionKeys: keys } : {}),
    ...(context.timeWindow ? { timeWindow: { start: context.timeWindow.start, end: context.timeWindow.end } } : {}),
    config: context.config ?? null,
    extras,
  };
}

/** How messages name the step's subject: `asset "a/b"`, `assets "a", "b"` or `step "x"`. */
export function pipesSubject(context: PipesStepContext, assetKeys: readonly AssetKey[]): string {
  if (assetKeys.length === 1) return `asset "${assetKeyToString(assetKeys[0]!)}"`;
  if (assetKeys.length > 1) return `assets ${assetKeys.map((k) => `"${assetKeyToString(k)}"`).join(", ")}`;
  return `step "${context.stepKey}"`;
}

/** The subject for a context and optional explicit asset keys, as pipesSubprocess names it in its errors. */
export function pipesSubjectOf(context: PipesStepContext, assetKeys?: readonly AssetKeyInput[]): string {
  return pipesSubject(context, stepAssetKeys(context, assetKeys));
}
