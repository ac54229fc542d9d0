import type { SerializedError } from "@orch/core";
import { BLOCKS_MAX, context, fields, header, linkButton, section, type SlackBlock, type SlackMessage } from "./blocks.ts";
import { runTitle, type RunSummary } from "./run-summary.ts";
import { errorFirstLines, escapeMrkdwn, formatDuration, link } from "./slack-text.ts";

/** How many failed steps get their own error block; the rest are counted. */
const STEPS_SHOWN = 5;

function runFields(summary: RunSummary): SlackBlock {
  return fields([
    ["Run", link(summary.runId, summary.runUrl)],
    [summary.jobName ? "Job" : "Selection", escapeMrkdwn(runTitle(summary))],
    ["Partition", summary.partitionKey !== undefined ? escapeMrkdwn(summary.partitionKey) : undefined],
    ["Duration", formatDuration(summary.durationMs)],
  ]);
}

function errorSection(stepKey: string, error: SerializedError | undefined): SlackBlock {
  return section(`*${escapeMrkdwn(stepKey)}*\n\`\`\`${escapeMrkdwn(errorFirstLines(error))}\`\`\``);
}

function withLink(blocks: SlackBlock[], url: string | undefined): SlackBlock[] {
  if (url) blocks.push(linkButton("View run", url));
  return blocks.slice(0, BLOCKS_MAX);
}

/** The default run-failure alert. Reusable outside listeners, e.g. by a sensor that looks back over runs. */
export function buildRunFailureMessage(summary: RunSummary): SlackMessage {
  const title = runTitle(summary);
  const verb = summary.status === "CANCELED" ? "was canceled" : "failed";
  const failed = summary.failedSteps;
  const blocks: SlackBlock[] = [header(`🔴 Run ${verb}: ${title}`), runFields(summary)];
  if (failed.length > 0) {
    blocks.push(section(`*Failed steps (${failed.length})*: ${failed.map((s) => `\`${escapeMrkdwn(s.stepKey)}\``).join(", ")}`));
    for (const step of failed.slice(0, STEPS_SHOWN)) blocks.push(errorSection(step.stepKey, step.error));
    if (failed.length > STEPS_SHOWN) blocks.push(context(`… and ${failed.length - STEPS_SHOWN} more failed steps`));
  } else if (summary.reason) {
    blocks.push(section(`*Reason*\n${escapeMrkdwn(summary.reason)}`));
  }
  const stepsText = failed.length > 0 ? ` ${failed.length} failed step${failed.length === 1 ? "" : "s"}: ${failed.map((s) => s.stepKey).join(", ")}.` : "";
  const partition = summary.partitionKey !== undefined ? ` partition ${summary.partitionKey}` : "";
  const text = `Run ${summary.runId} (${title}${partition}) ${verb}.${stepsText}${summary.runUrl ? ` ${summary.runUrl}` : ""}`;
  return { text, blocks: withLink(blocks, summary.runUrl) };
}

export function buildRunSuccessMessage(summary: RunSummary): SlackMessage {
  const title = runTitle(summary);
  const blocks: SlackBlock[] = [header(`🟢 Run succeeded: ${title}`), runFields(summary)];
  const partition = summary.partitionKey !== undefined ? ` partition ${summary.partitionKey}` : "";
  const text = `Run ${summary.runId} (${title}${partition}) succeeded.${summary.runUrl ? ` ${summary.runUrl}` : ""}`;
  return { text, blocks: withLink(blocks, summary.runUrl) };
}

/** What a step failure hook knows: the step, its assets, the run and the error. */
export interface StepFailureSummary {
  readonly runId: string;
  readonly stepKey: string;
  readonly assetKeys: readonly string[];
  readonly jobName?: string;
  readonly selection?: string;
  readonly partitionKey?: string;
  readonly error?: SerializedError;
  readonly runUrl?: string;
}

export function buildStepFailureMessage(summary: StepFailureSummary): SlackMessage {
  const blocks: SlackBlock[] = [
    header(`🔴 Step failed: ${summary.stepKey}`),
    fields([
      ["Run", link(summary.runId, summary.runUrl)],
      [summary.jobName ? "Job" : "Selection", escapeMrkdwn(runTitle({ ...summary, assetKeys: [] }))],
      ["Assets", summary.assetKeys.length > 0 ? escapeMrkdwn(summary.assetKeys.join(", ")) : undefined],
      ["Partition", summary.partitionKey !== undefined ? escapeMrkdwn(summary.partitionKey) : undefined],
    ]),
    errorSection(summary.stepKey, summary.error),
  ];
  const partition = summary.partitionKey !== undefined ? ` (partition ${summary.partitionKey})` : "";
  const first = summary.error ? `: ${summary.error.message.split("\n")[0]}` : "";
  const text = `Step ${summary.stepKey}${partition} failed in run ${summary.runId}${first}${summary.runUrl ? ` ${summary.runUrl}` : ""}`;
  return { text, blocks: withLink(blocks, summary.runUrl) };
}

export interface AssetCheckFailureSummary {
  readonly runId: string;
  readonly assetKey: string;
  readonly checkName: string;
  readonly severity: "error" | "warn";
  readonly blocking: boolean;
  readonly partitionKey?: string;
  readonly description?: string;
  /** Scalar metadata of the evaluation (failing row counts and the like). */
  readonly metadata: Readonly<Record<string, string | number | boolean | null>>;
  readonly runUrl?: string;
}

export function buildAssetCheckFailureMessage(summary: AssetCheckFailureSummary): SlackMessage {
  const icon = summary.severity === "error" ? "🔴" : "🟠";
  const blocks: SlackBlock[] = [
    header(`${icon} Asset check failed: ${summary.assetKey} · ${summary.checkName}`),
    fields([
      ["Run", link(summary.runId, summary.runUrl)],
      ["Severity", `${summary.severity}${summary.blocking ? " (blocking)" : ""}`],
      ["Partition", summary.partitionKey !== undefined ? escapeMrkdwn(summary.partitionKey) : undefined],
      ...Object.entries(summary.metadata).slice(0, 7).map(([k, v]) => [escapeMrkdwn(k), escapeMrkdwn(String(v))] as const),
    ]),
  ];
  if (summary.description) blocks.push(section(escapeMrkdwn(summary.description)));
  const partition = summary.partitionKey !== undefined ? ` (partition ${summary.partitionKey})` : "";
  const text = `Asset check ${summary.checkName} on ${summary.assetKey}${partition} failed (${summary.severity}) in run ${summary.runId}.${summary.runUrl ? ` ${summary.runUrl}` : ""}`;
  return { text, blocks: withLink(blocks, summary.runUrl) };
}
