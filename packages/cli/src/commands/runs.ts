import {
  describeEvent,
  ErrorCode,
  formatDuration,
  OrchError,
  RETRY_TAGS,
  findRetry,
  RUN_STATUSES,
  type InstanceStorage,
  type RunRecord,
  type RunStatus,
  type SerializedError,
  type StoredEvent,
} from "@orch/core";
import { Option, type Command } from "commander";
import { explainQueue } from "@orch/core";
import { withProject } from "../cli-context.ts";
import { queueLimits } from "../queue-config.ts";
import { formatTime, table } from "../format.ts";

export function registerRuns(program: Command): void {
  const runs = program.command("runs").description("inspect runs in the instance");
  runs
    .command("list")
    .description("runs, newest first")
    .addOption(new Option("--status <status...>", "only runs with these statuses").choices(RUN_STATUSES))
    .option("--limit <n>", "at most this many runs", (v) => positiveInt(v, "--limit"), 20)
    .action((flags: { status?: RunStatus[]; limit: number }, command: Command) =>
      withProject(command, async (project) => {
        const storage = await project.storage();
        const list = await storage.listRuns({ ...(flags.status ? { statuses: flags.status } : {}), limit: flags.limit });
        if (list.length === 0) {
          process.stdout.write("No runs.\n");
          return;
        }
        const waiting = list.some((r) => r.status === "QUEUED") ? await explainQueue(storage, queueLimits(project.config)) : new Map<string, string>();
        const rows = list.map((r) => [
          r.runId,
          waiting.has(r.runId) ? `QUEUED (${waiting.get(r.runId)})` : r.status,
          formatTime(r.createdAt),
          r.startedAt !== undefined && r.endedAt !== undefined ? formatDuration(r.endedAt - r.startedAt) : "-",
          r.jobName ?? r.selection ?? `${r.assetKeys.length} asset${r.assetKeys.length === 1 ? "" : "s"}`,
          r.partitionKey ?? (r.partitionRange ? `${r.partitionRange.start}..${r.partitionRange.end}` : "-"),
        ]);
        const lineages = await Promise.all(list.map((r) => lineage(storage, r)));
        rows.forEach((row, i) => row.push(lineages[i]!.join("; ") || "-"));
        process.stdout.write(table(["run id", "status", "created", "duration", "target", "partition", "lineage"], rows));
      }),
    );

  runs
    .command("show <run-id>")
    .description("a run's record and its events, with durations and errors")
    .action((runId: string, _flags: unknown, command: Command) =>
      withProject(command, async (project, globals) => {
        const storage = await project.storage();
        const run = await storage.getRun(runId);
        if (!run) throw new OrchError(ErrorCode.UNKNOWN_RUN, `Run "${runId}" does not exist in this instance; list runs with \`orch runs list\`.`, { pkg: "cli" });
        const out: string[] = [
          `Run ${run.runId}  ${run.status}${run.statusReason ? ` (${run.statusReason})` : ""}`,
          `  created   ${formatTime(run.createdAt)}`,
          ...(run.status === "QUEUED" ? [`  waiting   ${(await explainQueue(storage, queueLimits(project.config))).get(run.runId) ?? "-"}`] : []),
          `  ended     ${formatTime(run.endedAt)}${run.startedAt !== undefined && run.endedAt !== undefined ? `  (${formatDuration(run.endedAt - run.startedAt)})` : ""}`,
          `  assets    ${run.assetKeys.join(", ")}`,
          `  steps     ${run.stepKeys.join(", ")}`,
        ];
        if (run.worker) out.push(`  worker    ${run.worker.host} (pid ${run.worker.pid})`);
        if (run.jobName) out.push(`  job       ${run.jobName}`);
        if (run.partitionKey) out.push(`  partition ${run.partitionKey}`);
        if (run.partitionRange) out.push(`  partitions ${run.partitionRange.start}..${run.partitionRange.end}`);
        if (Object.keys(run.tags).length) out.push(`  tags      ${Object.entries(run.tags).map(([k, v]) => `${k}=${v}`).join(" ")}`);
        if (run.parentRunId) out.push(`  parent    ${run.parentRunId} (root ${run.rootRunId ?? run.parentRunId})`);
        const retriedAs = await findRetry(storage, run.runId);
        if (run.tags[RETRY_TAGS.retryNumber] !== undefined) out.push(`  retry     ${run.tags[RETRY_TAGS.retryNumber]} of run ${run.rootRunId ?? run.parentRunId ?? "-"}`);
        if (retriedAs !== undefined) out.push(`  retried   as ${retriedAs}`);
        out.push("", "Events:");
        const events = await storage.getEvents(runId);
        const start = run.startedAt ?? run.createdAt;
        for (const event of events) out.push(...eventLines(event, start, globals.verbose === true));
        process.stdout.write(out.join("\n") + "\n");
      }),
    );
}

/** Where a run sits in its retry chain: what it retries or re-executes, and the run that retried it. */
async function lineage(storage: InstanceStorage, run: RunRecord): Promise<string[]> {
  const parts: string[] = [];
  const retryNumber = run.tags[RETRY_TAGS.retryNumber];
  if (run.parentRunId !== undefined) parts.push(retryNumber !== undefined ? `retry ${retryNumber} (parent ${run.parentRunId})` : `re-execution of ${run.parentRunId}`);
  if (run.status === "FAILURE") {
    const retriedAs = await findRetry(storage, run.runId);
    if (retriedAs !== undefined) parts.push(`retried as ${retriedAs}`);
  }
  return parts;
}

function eventLines(event: StoredEvent, runStart: number, verbose: boolean): string[] {
  const described = describeEvent(event);
  const at = `+${formatDuration(event.timestamp - runStart)}`.padStart(9);
  const subject = event.stepKey ?? "run";
  const lines = [`${at}  ${event.type.padEnd(22)} ${subject.padEnd(20)} ${described?.text ?? ""}`.trimEnd()];
  const error: SerializedError | undefined = "error" in event ? event.error : undefined;
  if (error && (event.type === "STEP_FAILURE" || event.type === "RUN_FAILURE")) lines.push(...errorLines(error, verbose, "           "));
  return lines;
}

function errorLines(error: SerializedError, verbose: boolean, indent: string): string[] {
  const lines = [`${indent}${error.name}${error.code ? ` [${error.code}]` : ""}: ${error.message}`];
  if (verbose && error.stack) lines.push(...error.stack.split("\n").slice(1).map((l) => `${indent}  ${l.trim()}`));
  if (error.cause) lines.push(`${indent}caused by:`, ...errorLines(error.cause, verbose, `${indent}  `));
  return lines;
}

export function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new OrchError("INVALID_ARGUMENT", `${flag} must be a positive integer, got "${value}".`, { pkg: "cli" });
  return n;
}
