import { assetKeyToString, defineListener, type EventOf, type RunListener, type RunListenerContext } from "@orch/core";
import { checkAlertOptions, slackClientSource, type SlackAlertOptions } from "./alert-options.ts";
import type { SlackMessage } from "./blocks.ts";
import { buildAssetCheckFailureMessage, type AssetCheckFailureSummary } from "./messages.ts";
import { postSafely } from "./post-safely.ts";
import { runUrlBuilder } from "./run-summary.ts";

export interface SlackOnAssetCheckFailureOptions extends SlackAlertOptions {
  /** Which failed checks alert. Default both `error` and `warn`. */
  severities?: readonly ("error" | "warn")[];
  message?: (summary: AssetCheckFailureSummary) => SlackMessage | string;
}

/**
 * Posts one message per failed asset check (ASSET_CHECK_EVALUATION with passed=false) as it happens. Posting
 * runs in the background so a slow Slack never holds the run; the run's end waits for what is still in flight.
 */
export function slackOnAssetCheckFailure(options: SlackOnAssetCheckFailureOptions): RunListener {
  checkAlertOptions(options, "slackOnAssetCheckFailure");
  const name = options.name ?? "slack_on_asset_check_failure";
  const source = slackClientSource(options, `listener ${name}`);
  const runUrl = runUrlBuilder(options);
  const severities = new Set(options.severities ?? ["error", "warn"]);
  const inFlight = new Map<string, Set<Promise<boolean>>>();

  const post = (event: EventOf<"ASSET_CHECK_EVALUATION">, context: RunListenerContext) => {
    const summary = checkSummary(event, runUrl?.(event.runId));
    const sending = postSafely({
      source,
      resources: context.resources,
      channel: options.channel,
      message: () => (options.message ? options.message(summary) : buildAssetCheckFailureMessage(summary)),
      log: context.log,
      timeoutMs: options.timeoutMs ?? 15_000,
      what: `asset check ${summary.assetKey}:${summary.checkName} failure`,
    });
    let pending = inFlight.get(event.runId);
    if (!pending) inFlight.set(event.runId, (pending = new Set()));
    pending.add(sending);
    void sending.finally(() => pending.delete(sending));
  };

  return defineListener({
    name,
    ...(source.resources ? { resources: source.resources } : {}),
    onEvent(event, context) {
      if (event.type === "ASSET_CHECK_EVALUATION" && !event.passed && severities.has(event.severity)) post(event, context);
    },
    async onRunEnd(run) {
      const pending = inFlight.get(run.runId);
      inFlight.delete(run.runId);
      if (pending) await Promise.all(pending);
    },
  });
}

function checkSummary(event: EventOf<"ASSET_CHECK_EVALUATION">, runUrl: string | undefined): AssetCheckFailureSummary {
  const metadata: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(event.metadata)) {
    if (value === null || typeof value !== "object") metadata[key] = value;
  }
  return {
    runId: event.runId,
    assetKey: assetKeyToString(event.assetKey),
    checkName: event.checkName,
    severity: event.severity,
    blocking: event.blocking,
    ...(event.partition !== undefined ? { partitionKey: event.partition } : {}),
    ...(event.description !== undefined ? { description: event.description } : {}),
    metadata,
    ...(runUrl !== undefined ? { runUrl } : {}),
  };
}
