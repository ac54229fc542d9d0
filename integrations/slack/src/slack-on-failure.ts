import { assetKeyToString, failureHook, type HookContext, type StepHook } from "@orch/core";
import { checkAlertOptions, slackClientSource, type SlackAlertOptions } from "./alert-options.ts";
import type { SlackMessage } from "./blocks.ts";
import { buildStepFailureMessage, type StepFailureSummary } from "./messages.ts";
import { postSafely } from "./post-safely.ts";
import { runUrlBuilder } from "./run-summary.ts";

export interface SlackOnFailureOptions extends SlackAlertOptions {
  /** Replaces the default Block Kit message. */
  message?: (summary: StepFailureSummary, context: HookContext) => SlackMessage | string;
}

/** A failure hook for assets and ops: posts when a step fails (after its retries are exhausted). */
export function slackOnFailure(options: SlackOnFailureOptions): StepHook {
  checkAlertOptions(options, "slackOnFailure");
  const name = options.name ?? "slack_on_failure";
  const source = slackClientSource(options, `hook ${name}`);
  const runUrl = runUrlBuilder(options);
  return failureHook(
    name,
    async (context) => {
      const summary = stepSummary(context, runUrl);
      await postSafely({
        source,
        resources: context.resources,
        channel: options.channel,
        message: () => (options.message ? options.message(summary, context) : buildStepFailureMessage(summary)),
        log: context.log,
        timeoutMs: options.timeoutMs ?? 15_000,
        what: `step ${context.stepKey} failure`,
      });
    },
    source.resources,
  );
}

function stepSummary(context: HookContext, runUrl: ((runId: string) => string) | undefined): StepFailureSummary {
  const { run } = context;
  const partitionKey = context.partitionKey ?? run.partitionKey;
  const url = runUrl?.(run.runId);
  return {
    runId: run.runId,
    stepKey: context.stepKey,
    assetKeys: context.assetKeys.map(assetKeyToString),
    ...(run.jobName !== undefined ? { jobName: run.jobName } : {}),
    ...(run.selection !== undefined ? { selection: run.selection } : {}),
    ...(partitionKey !== undefined ? { partitionKey } : {}),
    ...(context.error !== undefined ? { error: context.error } : {}),
    ...(url !== undefined ? { runUrl: url } : {}),
  };
}
