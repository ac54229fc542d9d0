import type { ExecutorContext, StepOutcome } from "../executor.ts";
import type { PlannedStep } from "../plan.ts";
import { assetKeyToString } from "../asset-key.ts";
import { makeStepLogger } from "../logger.ts";
import { concreteKey, dynamicKeys, expandCollector, expandTemplates, isDynamicTemplate, type DynamicTemplateStep } from "../ops/dynamic-steps.ts";

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
 * says why; after cancellation nothing new starts. Dynamic templates (`process[?]`) are replaced, once their
 * source step has run, by one plain step per key of its dynamic output.
 */
export async function scheduleSteps(context: ExecutorContext, options: ScheduleOptions): Promise<StepOutcome[]> {
  const byKey = new Map(context.plan.steps.map((s) => [s.key, s]));
  // Step keys in plan order; an expanded template is replaced by its per-key steps.
  let order = context.plan.steps.map((s) => s.key);
  const dependents = new Map<string, string[]>(order.map((key) => [key, []]));
  const waiting = new Map<string, number>();
  for (const step of byKey.values()) {
    waiting.set(step.key, step.deps.length);
    for (const dep of step.deps) dependents.get(dep)?.push(step.key);
  }
  const outcomes = new Map<string, StepOutcome>();
  const expanded = new Set<string>();
  const ready: PlannedStep[] = [...byKey.values()].filter((s) => s.deps.length === 0);
  const running = new Set<PlannedStep>();
  const maxConcurrency = Math.max(1, options.maxConcurrency);

  const skip = async (step: PlannedStep, reason: string): Promise<void> => {
    if (outcomes.has(step.key)) return;
    outcomes.set(step.key, { stepKey: step.key, status: "skipped", producedOutputs: [] });
    await context.events.emit({ runId: context.run.runId, timestamp: Date.now(), type: "STEP_SKIPPED", stepKey: step.key, reason });
    for (const child of dependents.get(step.key)!) await skip(byKey.get(child)!, `upstream step "${step.key}" was skipped`);
  };

  const finish = async (step: PlannedStep, outcome: StepOutcome): Promise<void> => {
    outcomes.set(step.key, outcome);
    const mapped = new Map<string, DynamicTemplateStep[]>();
    for (const child of dependents.get(step.key)!.map((key) => byKey.get(key)!)) {
      // After cancellation nothing downstream starts; those steps count as canceled, not skipped.
      if (outcomes.has(child.key) || expanded.has(child.key) || context.signal.aborted) continue;
      const reason = skipReason(step, outcome, child);
      if (reason) await skip(child, reason);
      else if (isDynamicTemplate(child) && child.dynamic.sourceStepKey === step.key) {
        mapped.set(child.dynamic.outputName, [...(mapped.get(child.dynamic.outputName) ?? []), child]);
      } else {
        const left = waiting.get(child.key)! - 1;
        waiting.set(child.key, left);
        if (left === 0 && !isDynamicTemplate(child)) ready.push(child);
      }
    }
    for (const [outputName, templates] of mapped) await expand(step, outputName, templates);
  };

  /** Adds one step per key for every template mapped over `outputName` (and chained templates), then rewires collectors. */
  const expand = async (source: PlannedStep, outputName: string, direct: DynamicTemplateStep[]): Promise<void> => {
    const keys = dynamicKeys(await loadDynamicOutput(context, source, outputName));
    const group = [...byKey.values()].filter((s): s is DynamicTemplateStep => isDynamicTemplate(s) && s.dynamic.sourceStepKey === source.key && s.dynamic.outputName === outputName);
    if (keys.length === 0) {
      for (const template of direct) await skip(template, `upstream step "${source.key}" produced no keys for dynamic output "${outputName}"`);
      return;
    }
    const concrete = expandTemplates(group, keys);
    for (const template of group) {
      expanded.add(template.key);
      order = order.flatMap((key) => (key === template.key ? keys.map((k) => concreteKey(template.key, k)) : [key]));
    }
    for (const step of concrete) {
      byKey.set(step.key, step);
      dependents.set(step.key, []);
    }
    // Collectors of a template now wait for each of its per-key steps.
    for (const template of group) {
      for (const key of dependents.get(template.key)!) {
        const collector = byKey.get(key)!;
        if (expanded.has(key) || outcomes.has(key) || group.some((t) => t.key === key)) continue;
        const rewired = expandCollector(collector, template, keys);
        byKey.set(key, rewired);
        waiting.set(key, waiting.get(key)! - 1 + keys.length);
        for (const k of keys) dependents.get(concreteKey(template.key, k))!.push(key);
      }
    }
    for (const step of concrete) {
      let left = 0;
      for (const dep of step.deps) {
        const done = outcomes.get(dep);
        if (!done) {
          left++;
          dependents.get(dep)!.push(step.key);
        } else {
          const reason = skipReason(byKey.get(dep)!, done, step);
          if (reason) {
            await skip(step, reason);
            break;
          }
        }
      }
      waiting.set(step.key, left);
      if (left === 0 && !outcomes.has(step.key)) ready.push(step);
    }
    await context.events.emit({
      runId: context.run.runId,
      timestamp: Date.now(),
      stepKey: source.key,
      type: "LOG",
      level: "info",
      message: `Dynamic output "${outputName}" has ${keys.length} key${keys.length === 1 ? "" : "s"} (${keys.join(", ")}): added ${concrete.length} step${concrete.length === 1 ? "" : "s"}.`,
    });
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
  for (const key of order) {
    if (!outcomes.has(key)) outcomes.set(key, { stepKey: key, status: "canceled", producedOutputs: [] });
  }
  return order.map((key) => outcomes.get(key)!);
}

function skipReason(upstream: PlannedStep, outcome: StepOutcome, child: PlannedStep): string | undefined {
  if (outcome.status === "failure") {
    // A partly failed step (some outputs stored) still feeds children that read only what it stored.
    const reads = child.inputs.filter((i) => i.upstreamStepKey === upstream.key);
    const fed = reads.length > 0 && reads.every((i) => outcome.producedOutputs.includes(i.upstreamOutputName));
    if (!fed) return `upstream step "${upstream.key}" failed`;
    return blockedReason(upstream, outcome, child);
  }
  if (outcome.status === "skipped") return `upstream step "${upstream.key}" was skipped`;
  if (outcome.status === "canceled") return `upstream step "${upstream.key}" was canceled`;
  for (const input of child.inputs) {
    if (input.upstreamStepKey === upstream.key && !outcome.producedOutputs.includes(input.upstreamOutputName)) {
      return `upstream step "${upstream.key}" did not produce output "${input.upstreamOutputName}" (optional)`;
    }
  }
  if (isDynamicTemplate(child) && child.dynamic.sourceStepKey === upstream.key && !outcome.producedOutputs.includes(child.dynamic.outputName)) {
    return `upstream step "${upstream.key}" did not produce dynamic output "${child.dynamic.outputName}"`;
  }
  return blockedReason(upstream, outcome, child);
}

/**
 * Why a child must not run because of failed blocking checks reported by `upstream`: it reads a blocked asset,
 * or it depends on `upstream` without reading anything from it (an ordering dependency on the checked asset or
 * on the check step). A child reading only other, unblocked assets of a multi-asset step still runs.
 */
function blockedReason(upstream: PlannedStep, outcome: StepOutcome, child: PlannedStep): string | undefined {
  if (!outcome.blockedAssets?.length) return undefined;
  const blocked = new Set(outcome.blockedAssets);
  const hit = child.inputs.find((i) => i.assetKey && blocked.has(assetKeyToString(i.assetKey)));
  if (hit?.assetKey) return `a blocking check on asset "${assetKeyToString(hit.assetKey)}" failed`;
  if (child.inputs.some((i) => i.upstreamStepKey === upstream.key)) return undefined;
  return `a blocking check on ${[...blocked].map((b) => `"${b}"`).join(", ")} failed`;
}

/** Reads a finished step's dynamic output (a list of `[key, value]` entries) through its IO manager, for its keys. */
async function loadDynamicOutput(context: ExecutorContext, step: PlannedStep, outputName: string): Promise<unknown> {
  const output = context.definitions.graph.nodes.get(step.nodeId)?.outputs.find((o) => o.name === outputName);
  const log = makeStepLogger((level, message) => void context.events.emit({ runId: context.run.runId, timestamp: Date.now(), stepKey: step.key, type: "LOG", level, message }));
  return context.ioManager(output?.ioManagerKey ?? "io").loadInput({
    runId: context.run.runId,
    stepKey: step.key,
    inputName: outputName,
    upstreamOutput: { runId: context.run.runId, stepKey: step.key, outputName, definitionMetadata: output?.metadata ?? {} },
    log,
  });
}
