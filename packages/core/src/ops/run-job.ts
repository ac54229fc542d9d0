import type { Definitions, JobDefinition } from "../definitions.ts";
import { ErrorCode, isOrchError, OrchError } from "../errors.ts";
import { materialize, type MaterializeOptions, type RunResult } from "../execution/materialize.ts";
import { resolveRunConfig } from "../execution/run-config.ts";
import { didYouMean } from "../suggest.ts";
import { isDynamicTemplate } from "./dynamic-steps.ts";
import { opNodeId } from "./op-node.ts";

export type RunJobOptions = Omit<MaterializeOptions, "selection" | "plan" | "jobName">;

/**
 * Runs a job of the definitions as one run (the run record's `jobName` is the job's). An asset job materializes
 * its selection; an op job runs its compiled plan. Run config for ops is keyed by op path
 * (`ops: { "outer.inner": { config } }`); `stepKeys` + `parentRunId` re-execute some steps, reading the others'
 * outputs from the parent run.
 */
export async function runJob(definitions: Definitions, name: string, options: RunJobOptions = {}): Promise<RunResult> {
  const job = definitions.jobs.get(name);
  if (!job) {
    const known = [...definitions.jobs.keys()];
    throw new OrchError(ErrorCode.UNKNOWN_JOB, `Unknown job "${name}". Jobs: ${known.length ? known.join(", ") : "(none)"}.${didYouMean(name, known)}`, {
      details: { job: name },
    });
  }
  const tags = { ...job.tags, ...options.tags };
  if (!job.ops) return materialize(definitions, { ...options, tags, jobName: name, ...(job.selection !== undefined ? { selection: job.selection } : {}) });

  if (options.stepKeys) checkDynamicSubset(job, options.stepKeys);
  const runConfig = qualifyOpConfig(job, options.runConfig);
  try {
    return await materialize(definitions, { ...options, tags, jobName: name, runConfig, plan: { steps: job.ops.steps, assetKeys: [] } });
  } catch (error) {
    throw unqualifyConfigErrors(job, error);
  }
}

/**
 * Checks an op job's run config before it is queued, as runJob will read it (op config keyed by op path), with
 * problems named as the user wrote them: what a launch (the webserver's launchpad) refuses up front.
 */
export function checkJobRunConfig(definitions: Definitions, job: JobDefinition, raw: unknown): void {
  if (!job.ops) throw new OrchError(ErrorCode.UNKNOWN_JOB, `Job "${job.name}" is an asset job: check its config against its selection's plan.`);
  try {
    resolveRunConfig(definitions, job.ops.steps, qualifyOpConfig(job, raw));
  } catch (error) {
    throw unqualifyConfigErrors(job, error);
  }
}

/** `ops.<path>` → `ops.<job>.<path>` (op node ids are qualified by job), refusing paths the job does not have. */
function qualifyOpConfig(job: JobDefinition, raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null || !("ops" in raw)) return raw;
  const ops = (raw as { ops?: unknown }).ops;
  if (typeof ops !== "object" || ops === null) return raw;
  const paths = job.ops!.nodes.map((n) => n.id.slice(job.name.length + 1));
  const problems: string[] = [];
  for (const path of Object.keys(ops)) {
    if (!paths.includes(path)) problems.push(`ops.${path}: job "${job.name}" has no op "${path}". Ops: ${paths.join(", ")}.${didYouMean(path, paths)}`);
  }
  if (problems.length) throw new OrchError(ErrorCode.INVALID_RUN_CONFIG, `Invalid run config:\n  ${problems.join("\n  ")}`, { details: { issues: problems } });
  return { ...raw, ops: Object.fromEntries(Object.entries(ops).map(([path, value]) => [opNodeId(job.name, path), value])) };
}

/** Run config problems name ops by their path in the job, as the user wrote them. */
function unqualifyConfigErrors(job: JobDefinition, error: unknown): unknown {
  if (!isOrchError(error, ErrorCode.INVALID_RUN_CONFIG)) return error;
  const prefix = `ops.${job.name}.`;
  const issues = ((error.details?.["issues"] as string[] | undefined) ?? []).map((issue) => (issue.startsWith(prefix) ? `ops.${issue.slice(prefix.length)}` : issue));
  if (issues.length === 0) return error;
  return new OrchError(ErrorCode.INVALID_RUN_CONFIG, `Invalid run config:\n  ${issues.join("\n  ")}`, { details: { issues }, cause: error });
}

/** Mapped steps only exist once their source has run: a re-execution must keep the source with them. */
export function checkDynamicSubset(job: JobDefinition, stepKeys: readonly string[]): void {
  const keep = new Set(stepKeys);
  for (const step of job.ops!.steps) {
    if (!keep.has(step.key)) continue;
    if (isDynamicTemplate(step) && !keep.has(step.dynamic.sourceStepKey)) {
      throw new OrchError(ErrorCode.INVALID_SELECTION, `Step "${step.key}" of job "${job.name}" runs per key of "${step.dynamic.sourceStepKey}"; re-execute it together with that step.`);
    }
    const template = step.deps.find((dep) => !keep.has(dep) && job.ops!.steps.some((s) => s.key === dep && isDynamicTemplate(s)));
    if (template) {
      throw new OrchError(ErrorCode.INVALID_SELECTION, `Step "${step.key}" of job "${job.name}" collects "${template}"; re-execute it together with that step and its source.`);
    }
  }
}
