import type { ExecutorContext, StepOutcome } from "../executor.ts";
import type { PlannedStep } from "../plan.ts";
import { assetKeyToString } from "../asset-key.ts";

export interface ScheduleOptions {
  /** Most steps running at once. */
  readonly maxConcurrency: number;
  /** Runs one step wherever the executor runs steps. */
  launch(step: PlannedStep): Promise<StepOutcome>;
  /** Extra admission rule (e.g. tag concurrency limits); a refused step waits for a running one to finish. */
  mayStart?(step: PlannedStep, running: ReadonlySet<PlannedStep>): boolean;
}

/**
 * Runs a plan's steps in dependency order, at most `maxConcurrency` at once. Downstream steps of a failed
 * step, of a missing optional output or of a failed blocking check are skipped with a STEP_SKIPPED event that
 * says why; after cancellation nothing new starts.
 */
export async function scheduleSteps(context: ExecutorContext, options: ScheduleOptions): Promise<StepOutcome[]> {
  const steps = context.plan.steps;
  const byKey = new Map(steps.map((s) => [s.key, s]));
  const dependents = new Map<string, PlannedStep[]>(steps.map((s) => [s.key, []]));
  const waiting = new Map<string, number>();
  for (const step of steps) {
    waiting.set(step.key, step.deps.length);
    for (const dep of step.deps) dependents.get(dep)?.push(step);
  }
  const outcomes = new Map<string, StepOutcome>();
  const ready: PlannedStep[] = steps.filter((s) => s.deps.length === 0);
  const running = new Set<PlannedStep>();
  const maxConcurrency = Math.max(1, options.maxConcurrency);

  const skip = async (step: PlannedStep, reason: string): Promise<void> => {
    if (outcomes.has(step.key)) return;
    outcomes.set(step.key, { stepKey: step.key, status: "skipped", producedOutputs: [] });
    await context.events.emit({ runId: context.run.runId, timestamp: Date.now(), type: "STEP_SKIPPED", stepKey: step.key, reason });
    for (const child of dependents.get(step.key)!) await skip(child, `upstream step "${step.key}" was skipped`);
  };

  const finish = async (step: PlannedStep, outcome: StepOutcome): Promise<void> => {
    outcomes.set(step.key, outcome);
    for (const child of dependents.get(step.key)!) {
      // After cancellation nothing downstream starts; those steps count as canceled, not skipped.
      if (outcomes.has(child.key) || context.signal.aborted) continue;
      const reason = skipReason(step, outcome, child);
      if (reason) await skip(child, reason);
      else {
        const left = waiting.get(child.key)! - 1;
        waiting.set(child.key, left);
        if (left === 0) ready.push(child);
      }
    }
  };

  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      if (context.signal.aborted) ready.length = 0;
      for (let i = 0; i < ready.length && running.size < maxConcurrency; ) {
        const step = ready[i]!;
        if (options.mayStart && !options.mayStart(step, running)) {
          i++;
          continue;
        }
        ready.splice(i, 1);
        running.add(step);
        options
          .launch(step)
          .then((outcome) => finish(step, outcome))
          .then(() => {
            running.delete(step);
            pump();
          })
          .catch(reject);
      }
      if (running.size === 0 && (ready.length === 0 || context.signal.aborted)) resolve();
    };
    pump();
  });

  // Steps never reached (cancellation) count as canceled.
  for (const step of steps) {
    if (!outcomes.has(step.key)) outcomes.set(step.key, { stepKey: step.key, status: "canceled", producedOutputs: [] });
  }
  return steps.map((s) => outcomes.get(s.key)!).filter((o) => byKey.has(o.stepKey));
}

function skipReason(upstream: PlannedStep, outcome: StepOutcome, child: PlannedStep): string | undefined {
  if (outcome.status === "failure") {
    // A partly failed step (some outputs stored) still feeds children that read only what it stored.
    const reads = child.inputs.filter((i) => i.upstreamStepKey === upstream.key);
    const fed = reads.length > 0 && reads.every((i) => outcome.producedOutputs.includes(i.upstreamOutputName));
    if (!fed) return `upstream step "${upstream.key}" failed`;
    return undefined;
  }
  if (outcome.status === "skipped") return `upstream step "${upstream.key}" was skipped`;
  if (outcome.status === "canceled") return `upstream step "${upstream.key}" was canceled`;
  for (const input of child.inputs) {
    if (input.upstreamStepKey === upstream.key && !outcome.producedOutputs.includes(input.upstreamOutputName)) {
      return `upstream step "${upstream.key}" did not produce output "${input.upstreamOutputName}" (optional)`;
    }
  }
  if (outcome.blockedAssets?.length) {
    const blocked = new Set(outcome.blockedAssets);
    const hit = child.inputs.find((i) => i.assetKey && blocked.has(assetKeyToString(i.assetKey)));
    if (hit?.assetKey) return `a blocking check on asset "${assetKeyToString(hit.assetKey)}" failed`;
    return `a blocking check on ${[...blocked].map((b) => `"${b}"`).join(", ")} failed`;
  }
  return undefined;
}
