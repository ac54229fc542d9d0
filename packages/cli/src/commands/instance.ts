import { existsSync, statSync } from "node:fs";
import { RUN_STATUSES, type InstanceStorage } from "@orch/core";
import type { Command } from "commander";
import { withProject } from "../cli-context.ts";
import { UsageError } from "../exit-codes.ts";
import { formatBytes, formatTime } from "../format.ts";

const ALL = Number.MAX_SAFE_INTEGER;

export function registerInstance(program: Command): void {
  const instance = program.command("instance").description("the instance: where runs and events live");

  instance
    .command("info")
    .description("paths, storage, schema version, run counts and database size")
    .action((_flags: unknown, command: Command) =>
      withProject(command, async (project) => {
        const storage = await project.storage();
        const lines = [
          `project      ${project.dir}`,
          `config       ${project.hasConfigFile ? project.config.source.path : "(no orch.yaml: defaults)"}`,
          `definitions  ${project.modulePath ?? "(none: pass -m or set module: in orch.yaml)"}`,
          `home         ${project.instanceDir}`,
          `storage      ${storage.name}${storagePath(storage) ? ` ${storagePath(storage)}` : ""}`,
        ];
        const schema = schemaVersion(storage);
        if (schema !== undefined) lines.push(`schema       v${schema}`);
        const path = storagePath(storage);
        if (path && existsSync(path)) {
          const size = [path, `${path}-wal`].filter(existsSync).reduce((n, p) => n + statSync(p).size, 0);
          lines.push(`db size      ${formatBytes(size)}`);
        }
        lines.push(`io base dir  ${project.ioBaseDir}`, `executor     ${project.config.executor.type}`);
        const counts: string[] = [];
        let total = 0;
        for (const status of RUN_STATUSES) {
          const n = (await storage.listRuns({ statuses: [status], limit: ALL })).length;
          total += n;
          if (n) counts.push(`${status} ${n}`);
        }
        lines.push(`runs         ${total}${counts.length ? ` (${counts.join(", ")})` : ""}`);
        process.stdout.write(lines.join("\n") + "\n");
      }),
    );

  instance
    .command("prune")
    .description("delete finished runs created before a date, with their events (default: retention.maxAgeDays)")
    .option("--before <date>", "an ISO date or date-time, e.g. 2026-01-01")
    .action((flags: { before?: string }, command: Command) =>
      withProject(command, async (project) => {
        const cutoff = cutoffFrom(flags.before, project.config.retention.maxAgeDays);
        const storage = await project.storage();
        const old = await storage.listRuns({ createdBefore: cutoff, limit: ALL });
        const finished = old.filter((r) => r.status === "SUCCESS" || r.status === "FAILURE" || r.status === "CANCELED");
        const deleted = finished.length ? await storage.deleteRuns(finished.map((r) => r.runId)) : 0;
        const kept = old.length - finished.length;
        process.stdout.write(`Deleted ${deleted} run${deleted === 1 ? "" : "s"} created before ${formatTime(cutoff)}, with their events.${kept ? ` Kept ${kept} unfinished.` : ""}\n`);
      }),
    );
}

function cutoffFrom(before: string | undefined, maxAgeDays: number | undefined): number {
  if (before === undefined) {
    if (maxAgeDays === undefined) throw new UsageError("[orch] [cli] Pass --before <date>, or set retention.maxAgeDays in orch.yaml.");
    return Date.now() - maxAgeDays * 86_400_000;
  }
  const ms = Date.parse(before);
  if (Number.isNaN(ms)) throw new UsageError(`[orch] [cli] --before "${before}" is not a date; use ISO 8601, e.g. 2026-01-01 or 2026-01-01T12:00:00Z.`);
  return ms;
}

function storagePath(storage: InstanceStorage): string | undefined {
  const path = (storage as { path?: unknown }).path;
  return typeof path === "string" && path !== ":memory:" ? path : undefined;
}

/** Storages that keep a versioned schema say so through `inspect()` (SQLite does). */
function schemaVersion(storage: InstanceStorage): number | undefined {
  const inspect = (storage as { inspect?: () => { schemaVersion?: number } }).inspect;
  return typeof inspect === "function" ? inspect.call(storage).schemaVersion : undefined;
}
