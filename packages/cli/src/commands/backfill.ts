import { backfillProgress, cancelBackfill, launchBackfill, resumeBackfill, type BackfillPartitions } from "@orch/core";
import type { Command } from "commander";
import { collect, withProject } from "../cli-context.ts";
import { UsageError } from "../exit-codes.ts";
import { formatTime, table } from "../format.ts";
import { parseRange, parseTags, readRunConfig } from "./materialize.ts";
import { positiveInt } from "./runs.ts";

interface BackfillFlags {
  select?: string;
  job?: string;
  partitionRange?: string;
  allPartitions?: boolean;
  missing?: boolean;
  config?: string;
  tag: string[];
  chunkSize?: number;
}

/** `orch backfill --select ... --partition-range a..b | --all-partitions | --missing`, and `list|show|cancel|resume`. */
export function registerBackfill(program: Command): void {
  const backfill = program
    .command("backfill")
    .description("queue runs over many partitions: one per partition, or one per range for backfillPolicy single_run")
    .option("-s, --select <selection>", "asset selection to backfill")
    .option("--job <name>", "backfill a job instead of a selection")
    .option("--partition-range <start..end>", "the partitions from start to end")
    .option("--all-partitions", "every partition")
    .option("--missing", "partitions never materialized, or whose latest attempt failed")
    .option("--config <file>", "run config file (YAML or JSON) for every run")
    .option("--tag <key=value>", "tag every run (repeatable)", collect, [])
    .option("--chunk-size <n>", "runs submitted per write (default 1000)", (v) => positiveInt(v, "--chunk-size"))
    .action((flags: BackfillFlags, command: Command) =>
      withProject(command, async (project) => {
        const chosen = [flags.partitionRange !== undefined, flags.allPartitions === true, flags.missing === true].filter(Boolean).length;
        if (chosen !== 1) throw new UsageError("[orch] [cli] orch backfill needs exactly one of --partition-range <start..end>, --all-partitions or --missing.");
        if (flags.select !== undefined && flags.job !== undefined) throw new UsageError("[orch] [cli] Pass --select or --job, not both.");
        const partitions: BackfillPartitions = flags.partitionRange !== undefined ? { range: parseRange(flags.partitionRange) } : flags.allPartitions ? { all: true } : { missing: true };
        const started = performance.now();
        const record = await launchBackfill(await project.definitions(), await project.storage(), {
          ...(flags.select !== undefined ? { selection: flags.select } : {}),
          ...(flags.job !== undefined ? { jobName: flags.job } : {}),
          partitions,
          tags: parseTags(flags.tag),
          ...(flags.config !== undefined ? { runConfig: await readRunConfig(flags.config) } : {}),
          ...(flags.chunkSize !== undefined ? { chunkSize: flags.chunkSize } : {}),
        });
        const ms = Math.round(performance.now() - started);
        process.stdout.write(`Backfill ${record.backfillId}: ${record.units.length} run(s) queued in ${ms} ms. The daemon (orch daemon) starts them; follow with \`orch backfill show ${record.backfillId}\`.\n`);
      }),
    );

  backfill
    .command("list")
    .description("backfills, newest first")
    .option("--limit <n>", "at most this many", (v) => positiveInt(v, "--limit"), 20)
    .action((flags: { limit: number }, command: Command) =>
      withProject(command, async (project) => {
        const instance = await project.storage();
        const list = await instance.listBackfills({ limit: flags.limit });
        if (list.length === 0) return void process.stdout.write("No backfills.\n");
        const rows = [];
        for (const record of list) {
          const { counts } = await backfillProgress(instance, record.backfillId);
          const summary = Object.entries(counts).map(([status, n]) => `${n} ${status}`).join(", ");
          rows.push([record.backfillId, record.status, formatTime(record.createdAt), record.jobName ?? record.selection ?? "*", String(record.units.length), summary]);
        }
        process.stdout.write(table(["id", "status", "created", "target", "runs", "partitions"], rows));
      }),
    );

  backfill
    .command("show <id>")
    .description("a backfill's status per partition")
    .action((id: string, _flags: unknown, command: Command) =>
      withProject(command, async (project) => {
        const { backfill: record, units, counts } = await backfillProgress(await project.storage(), id);
        process.stdout.write(
          [
            `Backfill ${record.backfillId}  ${record.status}`,
            `  target    ${record.jobName ? `job ${record.jobName}` : (record.selection ?? "*")}`,
            `  created   ${formatTime(record.createdAt)}`,
            `  submitted ${record.submitted} of ${record.units.length}`,
            `  status    ${Object.entries(counts).map(([status, n]) => `${n} ${status}`).join(", ")}`,
            "",
          ].join("\n") + table(["partition", "status", "run id"], units.map((u) => [u.label, u.status, u.runId ?? "-"])),
        );
      }),
    );

  backfill
    .command("cancel <id>")
    .description("cancel a backfill: its queued runs at once, its running ones through CANCELING")
    .action((id: string, _flags: unknown, command: Command) =>
      withProject(command, async (project) => {
        const status = await cancelBackfill(await project.storage(), id);
        process.stdout.write(`Backfill ${id} ${status}${status === "CANCELING" ? " (the daemon closes it once its running runs end)" : ""}.\n`);
      }),
    );

  backfill
    .command("resume <id>")
    .description("queue again the partitions of a canceled or failed backfill that did not succeed")
    .action((id: string, _flags: unknown, command: Command) =>
      withProject(command, async (project) => {
        const queued = await resumeBackfill(await project.definitions(), await project.storage(), id);
        process.stdout.write(`Backfill ${id} resumed: ${queued} run(s) queued.\n`);
      }),
    );
}
