import type { PlannedInput, PlannedStep } from "../plan.ts";

/**
 * A step that runs once per key of a dynamic output. The plan holds it as a template (`process[?]`); when the
 * source step has run, the scheduler replaces it with one plain step per key (`process[a]`, `process[b]`, ...).
 */
export interface DynamicTemplateStep extends PlannedStep {
  readonly dynamic: {
    /** The step whose dynamic output the keys come from. */
    readonly sourceStepKey: string;
    readonly outputName: string;
  };
}

export const TEMPLATE_SUFFIX = "[?]";

export function isDynamicTemplate(step: PlannedStep): step is DynamicTemplateStep {
  return (step as Partial<DynamicTemplateStep>).dynamic !== undefined;
}

export function templateKey(path: string): string {
  return `${path}${TEMPLATE_SUFFIX}`;
}

export function concreteKey(templateStepKey: string, mappingKey: string): string {
  return `${templateStepKey.slice(0, -TEMPLATE_SUFFIX.length)}[${mappingKey}]`;
}

/** The mapping key of a concrete step key (`process[a]` → `a`). */
export function mappingKeyOf(stepKey: string): string | undefined {
  return /\[([A-Za-z0-9_]+)\]$/.exec(stepKey)?.[1];
}

/** The keys of a stored dynamic output value (entries `[key, value]` in emission order). */
export function dynamicKeys(stored: unknown): string[] {
  return Array.isArray(stored) ? stored.map((entry) => String((entry as [string, unknown])[0])) : [];
}

/**
 * The per-key steps of every template mapped over the same output. Steps and inputs that point at a template of
 * the same mapping point at that template's step for the same key.
 */
export function expandTemplates(templates: readonly DynamicTemplateStep[], keys: readonly string[]): PlannedStep[] {
  const templateKeys = new Set(templates.map((t) => t.key));
  const out: PlannedStep[] = [];
  for (const key of keys) {
    for (const { dynamic: _dynamic, ...template } of templates) {
      const local = (stepKey: string) => (templateKeys.has(stepKey) ? concreteKey(stepKey, key) : stepKey);
      out.push({
        ...template,
        key: concreteKey(template.key, key),
        deps: template.deps.map(local),
        inputs: template.inputs.map((input) => (input.upstreamStepKey ? { ...input, upstreamStepKey: local(input.upstreamStepKey) } : input)),
      });
    }
  }
  return out;
}

/**
 * A downstream step that collects a template's outputs: its dependency on the template becomes one per key, and
 * each collecting input becomes one input per key (`xs[a]`, `xs[b]`, ...), in key order.
 */
export function expandCollector(step: PlannedStep, template: DynamicTemplateStep, keys: readonly string[]): PlannedStep {
  const inputs: PlannedInput[] = step.inputs.flatMap((input) =>
    input.upstreamStepKey === template.key
      ? keys.map((key) => ({ ...input, name: `${input.name}[${key}]`, upstreamStepKey: concreteKey(template.key, key) }))
      : [input],
  );
  const deps = step.deps.flatMap((dep) => (dep === template.key ? keys.map((key) => concreteKey(template.key, key)) : [dep]));
  return { ...step, deps, inputs };
}
