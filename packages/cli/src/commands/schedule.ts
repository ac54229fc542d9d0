import { effectiveStatus, nextScheduleTick, previewSchedule } from "@orch/core";
import type { Command } from "commander";
import { withProject } from "../cli-context.ts";
import { UsageError } from "../exit-codes.ts";
import { formatTime, table } from "../format.ts";
import { describeTickResult, tickSummary } from "./automation-format.ts";
import { registerStartStop } from "./start-stop.ts";

export function registerSchedule(program: Command): void {
  const schedules = program.command("schedule").description("list, start, stop and preview schedules");
  schedules
    .command("list")
    .description("schedules with their status, last tick and next tick")
    .action((_flags: unknown, command: Command) =>
      withProject(command, async (project) => {
        const definitions = await project.definitions();
        const instance = await project.storage();
        if (definitions.schedules.size === 0) return void process.stdout.write("No schedules.\n");
        const rows = [];
        for (const schedule of definitions.schedules.values()) {
          const state = await instance.getInstigatorState(schedule.name);
          const status = effectiveStatus(schedule.defaultStatus, state);
          const [last] = await instance.getTicks(schedule.name, { limit: 1 });
          const next = status === "running" ? formatTime(nextScheduleTick(schedule, Date.now())) : "-";
          rows.push([schedule.name, `${schedule.cron} (${schedule.timezone})`, status, tickSummary(last), next]);
        }
        process.stdout.write(table(["name", "cron", "status", "last tick", "next tick"], rows));
      }),
    );
  registerStartStop(schedules, "schedule");
  schedules
    .command("preview <name>")
    .description("evaluate the schedule's next tick (after --at, default now) without launching anything")
    .option("--at <time>", "evaluate the first tick at or after this time (ISO 8601)")
    .action((name: string, flags: { at?: string }, command: Command) =>
      withProject(command, async (project) => {
        const at = flags.at === undefined ? undefined : Date.parse(flags.at);
        if (at !== undefined && Number.isNaN(at)) throw new UsageError(`[orch] [cli] --at "${flags.at}" is not a time; use ISO 8601, e.g. 2024-03-10T02:00:00Z.`);
        const result = await previewSchedule(await project.definitions(), name, { instance: await project.storage(), ...(at !== undefined ? { at } : {}) });
        process.stdout.write(`Tick at ${formatTime(result.scheduledTime)}\n${describeTickResult(result)}`);
      }),
    );
}
