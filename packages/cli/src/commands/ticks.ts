import type { Command } from "commander";
import { formatDuration } from "@orch/core";
import { withProject } from "../cli-context.ts";
import { UsageError } from "../exit-codes.ts";
import { formatTime, table } from "../format.ts";
import { tickDetail } from "./automation-format.ts";
import { positiveInt } from "./runs.ts";

/** `orch ticks <name>`: a schedule's or sensor's tick history, newest first. */
export function registerTicks(program: Command): void {
  program
    .command("ticks <name>")
    .description("a schedule's or sensor's ticks, newest first: status, runs, skip reason or error, cursor")
    .option("--limit <n>", "at most this many ticks", (v) => positiveInt(v, "--limit"), 20)
    .action((name: string, flags: { limit: number }, command: Command) =>
      withProject(command, async (project) => {
        const definitions = await project.definitions();
        if (!definitions.schedules.has(name) && !definitions.sensors.has(name)) {
          const known = [...definitions.schedules.keys(), ...definitions.sensors.keys()];
          throw new UsageError(`[orch] [cli] No schedule or sensor named "${name}". Known: ${known.length ? known.join(", ") : "(none)"}.`);
        }
        const ticks = await (await project.storage()).getTicks(name, { limit: flags.limit });
        if (ticks.length === 0) return void process.stdout.write(`No ticks for ${name} yet (is orch daemon running, and ${name} started?).\n`);
        const rows = ticks.map((tick) => [
          formatTime(tick.timestamp),
          tick.status,
          formatDuration(tick.durationMs),
          tick.cursorBefore === tick.cursorAfter ? (tick.cursorAfter ?? "-") : `${tick.cursorBefore ?? "-"} → ${tick.cursorAfter ?? "-"}`,
          tickDetail(tick),
        ]);
        process.stdout.write(table(["time", "status", "duration", "cursor", "detail"], rows));
      }),
    );
}
