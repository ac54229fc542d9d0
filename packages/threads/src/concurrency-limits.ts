import { assetKeyToString, type Definitions, type PlannedStep } from "@orch/core";
import type { ThreadsExecutorConfig } from "./options.ts";

type Limits = Pick<ThreadsExecutorConfig, "tagConcurrencyLimits" | "kindConcurrencyLimits">;

/**
 * The scheduler's admission rule for tag and kind limits: a step may start only if, for every limit it falls
 * under, fewer than `limit` matching steps are running. Returns undefined when there are no limits.
 */
export function concurrencyGate(limits: Limits, definitions: Definitions): ((step: PlannedStep, running: ReadonlySet<PlannedStep>) => boolean) | undefined {
  const tagLimits = limits.tagConcurrencyLimits;
  const kindLimits = limits.kindConcurrencyLimits;
  if (tagLimits.length === 0 && kindLimits.length === 0) return undefined;
  const kinds = new Map<string, ReadonlySet<string>>();
  const kindsOf = (step: PlannedStep): ReadonlySet<string> => {
    let found = kinds.get(step.nodeId);
    if (!found) {
      found = new Set([step.kind, ...assetKindsOf(definitions, step.nodeId)]);
      kinds.set(step.nodeId, found);
    }
    return found;
  };
  const hasTag = (step: PlannedStep, key: string, value: string | undefined) =>
    Object.hasOwn(step.tags, key) && (value === undefined || step.tags[key] === value);

  return (step, running) => {
    for (const { key, value, limit } of tagLimits) {
      if (!hasTag(step, key, value)) continue;
      let count = 0;
      for (const other of running) if (hasTag(other, key, value)) count++;
      if (count >= limit) return false;
    }
    for (const { kind, limit } of kindLimits) {
      if (!kindsOf(step).has(kind)) continue;
      let count = 0;
      for (const other of running) if (kindsOf(other).has(kind)) count++;
      if (count >= limit) return false;
    }
    return true;
  };
}

function assetKindsOf(definitions: Definitions, nodeId: string): string[] {
  const node = definitions.graph.nodes.get(nodeId);
  const out: string[] = [];
  for (const output of node?.outputs ?? []) {
    if (!output.assetKey) continue;
    const key = assetKeyToString(output.assetKey);
    if (definitions.graph.has(key)) out.push(...definitions.graph.spec(key).kinds);
  }
  return out;
}
