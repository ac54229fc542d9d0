export { slackResource, slackResourceConfig, type SlackResourceOptions } from "./slack-resource.ts";
export { loadWebClient, type SlackClientConstructor } from "./load-slack-client.ts";
export type { SlackAlertOptions, SlackPoster } from "./alert-options.ts";
export { slackOnFailure, type SlackOnFailureOptions } from "./slack-on-failure.ts";
export { slackOnRunFailure, slackOnRunSuccess, type SlackOnRunFailureOptions, type SlackRunAlertOptions } from "./slack-run-listeners.ts";
export { slackOnRunFailureSensor, slackOnRunSuccessSensor, type SlackRunSensorOptions } from "./slack-run-sensors.ts";
export { slackOnAssetCheckFailure, type SlackOnAssetCheckFailureOptions } from "./slack-on-asset-check-failure.ts";
export {
  buildRunFailureMessage,
  buildRunSuccessMessage,
  buildStepFailureMessage,
  buildAssetCheckFailureMessage,
  type StepFailureSummary,
  type AssetCheckFailureSummary,
} from "./messages.ts";
export { summarizeRun, runTitle, type RunSummary, type FailedStep } from "./run-summary.ts";
export type { SlackBlock, SlackMessage } from "./blocks.ts";
export { slackPlugin } from "./plugin.ts";
