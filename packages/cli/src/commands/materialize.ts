import { readFile } from "node:fs/promises";
import { enqueueRun, materialize, runJob, type PartitionRange, type QueuedRunSpec } from "@orch/core";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { collect, withProject } from "../cli-context.ts";
import { UsageError } from "../exit-codes.ts";
import { foregroundQueueSlot } from "../queue-config.ts";
import { runSession } from "../run-session.ts";
import type { Project } from "../project.ts";

interface RunFlags {
  select?: string;
  partition?: string;
  partitionRange?: string;
  config?: string;
  tag: string[];
  queue?: boolean;
}

export function registerMaterialize(program: Command): void {
  const addRunFlags = (cmd: Command) =>
    cmd
      .option("--partition <key>", "materialize one partition")
      .option("--partition-range <start..end>", "materialize a range of partitions in one run")
      .option("--config <file>", "run config file (YAML or JSON)")
      .option("--tag <key=value>", "tag the run (repeatable)", collect, [])
      .option("--queue", "enqueue the run for the daemon (orch daemon) instead of running it here");

  addRunFlags(
    program
      .command("materialize")
      .description("materialize a selection of assets as one run")
      .option("-s, --select <selection>", 'asset selection, e.g. "+daily_revenue" or "group:sales" (default: every asset)'),
  ).action((flags: RunFlags, command: Command) =>
    withProject(command, async (project, globals) => {
      const definitions = await project.definitions();
      const options = await runOptions(flags);
      const spec: QueuedRunSpec = { ...specOf(options), ...(flags.select !== undefined ? { selection: flags.select } : {}) };
      if (flags.queue) return enqueueAndReport(project, spec);
      const executor = await project.executor(definitions);
      return runSession(
        project,
        executor,
        globals.logFormat,
        (common) => materialize(definitions, { ...common, ...options, ...(flags.select !== undefined ? { selection: flags.select } : {}) }),
        foregroundQueueSlot(project.config, definitions, spec),
      );
    }),
  );

  const job = program.command("job").description("run named jobs (definitions.jobs)");
  addRunFlags(job.command("run <name>").description("run a job: its selection as one run, tagged with the job name")).action(
    (name: string, flags: RunFlags, command: Command) =>
      withProject(command, async (project, globals) => {
        const definitions = await project.definitions();
        const options = await runOptions(flags);
        const spec: QueuedRunSpec = { ...specOf(options), jobName: name };
        if (flags.queue) return enqueueAndReport(project, spec);
        // An unknown job is refused by runJob (naming the jobs); asset jobs materialize their selection, op jobs their graph.
        const executor = await project.executor(definitions, definitions.jobs.get(name)?.executor);
        return runSession(
          project,
          executor,
          globals.logFormat,
          (common) => runJob(definitions, name, { ...common, ...options }),
          definitions.jobs.has(name) ? foregroundQueueSlot(project.config, definitions, spec) : undefined,
        );
      }),
  );
}

function specOf(options: Awaited<ReturnType<typeof runOptions>>): QueuedRunSpec {
  return {
    ...(options.partitionKey !== undefined ? { partitionKey: options.partitionKey } : {}),
    ...(options.partitionRange !== undefined ? { partitionRange: options.partitionRange } : {}),
    ...(options.runConfig !== undefined ? { runConfig: options.runConfig } : {}),
    tags: options.tags,
  };
}

/** `--queue`: the run is planned (and refused) now, created QUEUED, and started by the daemon's run queue. */
async function enqueueAndReport(project: Project, spec: QueuedRunSpec): Promise<number> {
  const { runId } = await enqueueRun(await project.definitions(), await project.storage(), spec);
  process.stdout.write(`${runId} QUEUED\n`);
  return 0;
}

async function runOptions(flags: RunFlags): Promise<{ partitionKey?: string; partitionRange?: PartitionRange; runConfig?: unknown; tags: Record<string, string> }> {
  if (flags.partition !== undefined && flags.partitionRange !== undefined) throw new UsageError("[orch] [cli] Pass --partition or --partition-range, not both.");
  return {
    ...(flags.partition !== undefined ? { partitionKey: flags.partition } : {}),
    ...(flags.partitionRange !== undefined ? { partitionRange: parseRange(flags.partitionRange) } : {}),
    ...(flags.config !== undefined ? { runConfig: await readRunConfig(flags.config) } : {}),
    tags: parseTags(flags.tag),
  };
}

export function parseRange(text: string): PartitionRange {
  const parts = text.split("..");
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new UsageError(`[orch] [cli] --partition-range "${text}" must be <start>..<end>, e.g. 2024-01-01..2024-01-31.`);
  }
  return { start: parts[0], end: parts[1] };
}

export function parseTags(tags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags) {
    const eq = tag.indexOf("=");
    if (eq <= 0) throw new UsageError(`[orch] [cli] --tag "${tag}" must be key=value.`);
    out[tag.slice(0, eq)] = tag.slice(eq + 1);
  }
  return out;
}

export async function readRunConfig(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`[orch] [cli] Cannot read run config ${path}: ${(error as Error).message}`);
  }
  try {
    return parseYaml(text) ?? {};
  } catch (error) {
    throw new UsageError(`[orch] [cli] Run config ${path} is not valid YAML or JSON: ${(error as Error).message.split("\n")[0]}`);
  }
}
