import { defineListener, type RunListener, type RunListenerContext, type RunRecord } from "@orch/core";
import { checkAlertOptions, slackClientSource, type SlackAlertOptions } from "./alert-options.ts";
import type { SlackMessage } from "./blocks.ts";
import { buildRunFailureMessage, buildRunSuccessMessage } from "./messages.ts";
import { postSafely } from "./post-safely.ts";
import { RunEventBuffer } from "./run-event-buffer.ts";
import { runUrlBuilder, summarizeRun, type RunSummary } from "./run-summary.ts";

export interface SlackRunAlertOptions extends SlackAlertOptions {
  /** Replaces the default Block Kit message. */
  message?: (summary: RunSummary, run: RunRecord) => SlackMessage | string;
}

export interface SlackOnRunFailureOptions extends SlackRunAlertOptions {
  /** Also alert on canceled runs. Default false. */
  includeCanceled?: boolean;
}

/** Posts once per failed run: job or selection, run link, failed steps with their errors, partition. */
export function slackOnRunFailure(options: SlackOnRunFailureOptions): RunListener {
  checkAlertOptions(options, "slackOnRunFailure");
  return runAlertListener(options, "slack_on_run_failure", (run) => run.status === "FAILURE" || (options.includeCanceled === true && run.status === "CANCELED"), buildRunFailureMessage);
}

/** Posts once per successful run. */
export function slackOnRunSuccess(options: SlackRunAlertOptions): RunListener {
  checkAlertOptions(options, "slackOnRunSuccess");
  return runAlertListener(options, "slack_on_run_success", (run) => run.status === "SUCCESS", buildRunSuccessMessage);
}

function runAlertListener(
  options: SlackRunAlertOptions,
  defaultName: string,
  shouldAlert: (run: RunRecord) => boolean,
  build: (summary: RunSummary) => SlackMessage,
): RunListener {
  const name = options.name ?? defaultName;
  const source = slackClientSource(options, `listener ${name}`);
  const runUrl = runUrlBuilder(options);
  const buffer = new RunEventBuffer();
  return defineListener({
    name,
    ...(source.resources ? { resources: source.resources } : {}),
    onEvent: (event) => buffer.add(event),
    async onRunEnd(run: RunRecord, context: RunListenerContext) {
      const events = buffer.take(run.runId);
      if (!shouldAlert(run)) return;
      const summary = summarizeRun(run, events, runUrl);
      await postSafely({
        source,
        resources: context.resources,
        channel: options.channel,
        message: () => (options.message ? options.message(summary, run) : build(summary)),
        log: context.log,
        timeoutMs: options.timeoutMs ?? 15_000,
        what: `run ${run.runId} ${run.status.toLowerCase()}`,
      });
    },
  });
}
