import type { AssetsDefinition, RunListener, StepHook } from "@orch/core";
import { datadogMetrics } from "@orch/datadog";
import { slackOnFailure, slackOnRunFailure } from "@orch/slack";

/**
 * Opt-in alerting and metrics: off unless the environment provides credentials.
 * - SLACK_BOT_TOKEN (+ QUICKSTART_SLACK_CHANNEL, default #data-alerts): a Slack message when a step or the run fails.
 * - DD_API_KEY (+ DD_SITE, default datadoghq.com): run and step metrics in Datadog under `orch.quickstart.`.
 */
export function optionalAlerts(assets: readonly AssetsDefinition[], env: NodeJS.ProcessEnv = process.env): { listeners: RunListener[]; hooks: StepHook[] } {
  const listeners: RunListener[] = [];
  const hooks: StepHook[] = [];
  if (env.SLACK_BOT_TOKEN) {
    const channel = env.QUICKSTART_SLACK_CHANNEL ?? "#data-alerts";
    const token = { env: "SLACK_BOT_TOKEN" };
    listeners.push(slackOnRunFailure({ channel, token, ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}) }));
    hooks.push(slackOnFailure({ channel, token, ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}) }));
  }
  if (env.DD_API_KEY) {
    listeners.push(
      datadogMetrics({
        apiKey: { env: "DD_API_KEY" },
        site: env.DD_SITE ?? "datadoghq.com",
        ...(env.DD_BASE_URL ? { baseUrl: env.DD_BASE_URL } : {}),
        prefix: "orch.quickstart.",
        tags: ["service:quickstart"],
        assets,
      }),
    );
  }
  return { listeners, hooks };
}
