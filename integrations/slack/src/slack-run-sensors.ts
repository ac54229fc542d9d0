import { OrchError, runStatusSensor, type AutomationStatus, type FinishedRunStatus, type RunStatusSensorContext, type RunStatusSensorOptions, type SensorDefinition } from "@orch/core";
import { checkAlertOptions, slackClientSource } from "./alert-options.ts";
import type { SlackMessage } from "./blocks.ts";
import { buildRunFailureMessage, buildRunSuccessMessage } from "./messages.ts";
import { postSafely } from "./post-safely.ts";
import { SUMMARY_EVENT_TYPES, runUrlBuilder, summarizeRun, type RunSummary } from "./run-summary.ts";
import type { SlackOnRunFailureOptions, SlackRunAlertOptions } from "./slack-run-listeners.ts";

/** What the sensor forms add to the listeners' options: which runs, and how often the daemon looks. */
export interface SlackRunSensorOptions {
  /** Runs of these jobs or touching this selection; default every run of the instance. */
  monitored?: RunStatusSensorOptions["monitored"];
  minimumIntervalSeconds?: number;
  /** Default "running": an alert sensor that has to be started by hand is easily forgotten. */
  defaultStatus?: AutomationStatus;
}

/**
 * The sensor form of `slackOnRunFailure`: the daemon posts once per failed run of the instance, wherever it was
 * launched (CLI, queue, another process). A post that fails fails the tick, and the run is alerted again on the
 * next tick (the runs before it are not).
 */
export function slackOnRunFailureSensor(options: SlackOnRunFailureOptions & SlackRunSensorOptions): SensorDefinition {
  checkAlertOptions(options, "slackOnRunFailureSensor");
  return runAlertSensor(options, "slack_on_run_failure_sensor", options.includeCanceled ? ["FAILURE", "CANCELED"] : ["FAILURE"], buildRunFailureMessage);
}

/** The sensor form of `slackOnRunSuccess`. */
export function slackOnRunSuccessSensor(options: SlackRunAlertOptions & SlackRunSensorOptions): SensorDefinition {
  checkAlertOptions(options, "slackOnRunSuccessSensor");
  return runAlertSensor(options, "slack_on_run_success_sensor", ["SUCCESS"], buildRunSuccessMessage);
}

function runAlertSensor(
  options: SlackRunAlertOptions & SlackRunSensorOptions,
  defaultName: string,
  status: readonly FinishedRunStatus[],
  build: (summary: RunSummary) => SlackMessage,
): SensorDefinition {
  const name = options.name ?? defaultName;
  const source = slackClientSource(options, `sensor ${name}`);
  const runUrl = runUrlBuilder(options);
  return runStatusSensor({
    name,
    status,
    defaultStatus: options.defaultStatus ?? "running",
    ...(options.monitored !== undefined ? { monitored: options.monitored } : {}),
    ...(options.minimumIntervalSeconds !== undefined ? { minimumIntervalSeconds: options.minimumIntervalSeconds } : {}),
    ...(source.resources ? { resources: source.resources } : {}),
    description: `Posts to ${options.channel} when a run ends with ${status.join(" or ")}.`,
    async handler({ run, instance, resources, log }: RunStatusSensorContext) {
      const events = await instance.getEvents(run.runId, { types: [...SUMMARY_EVENT_TYPES] });
      const summary = summarizeRun(run, events, runUrl);
      const posted = await postSafely({
        source,
        resources,
        channel: options.channel,
        message: () => (options.message ? options.message(summary, run) : build(summary)),
        log,
        timeoutMs: options.timeoutMs ?? 15_000,
        what: `run ${run.runId} ${run.status.toLowerCase()}`,
      });
      if (!posted) {
        throw new OrchError("SLACK_POST_FAILED", `Sensor ${name} could not post the alert for run ${run.runId} to ${options.channel}; it is retried on the next tick.`, {
          pkg: "slack",
          details: { runId: run.runId, channel: options.channel },
        });
      }
    },
  });
}
