import { effectiveStatus, previewSensor, setSensorCursor } from "@orch/core";
import type { Command } from "commander";
import { withProject } from "../cli-context.ts";
import { UsageError } from "../exit-codes.ts";
import { table } from "../format.ts";
import { describeTickResult, tickSummary } from "./automation-format.ts";
import { registerStartStop } from "./start-stop.ts";

export function registerSensor(program: Command): void {
  const sensors = program.command("sensor").description("list, start, stop and preview sensors; read or set their cursors");
  sensors
    .command("list")
    .description("sensors with their status, interval, cursor and last tick")
    .action((_flags: unknown, command: Command) =>
      withProject(command, async (project) => {
        const definitions = await project.definitions();
        const instance = await project.storage();
        if (definitions.sensors.size === 0) return void process.stdout.write("No sensors.\n");
        const rows = [];
        for (const sensor of definitions.sensors.values()) {
          const state = await instance.getInstigatorState(sensor.name);
          const [last] = await instance.getTicks(sensor.name, { limit: 1 });
          rows.push([sensor.name, sensor.sensorKind, effectiveStatus(sensor.defaultStatus, state), `${sensor.minimumIntervalSeconds}s`, state?.cursor ?? "-", tickSummary(last)]);
        }
        process.stdout.write(table(["name", "kind", "status", "interval", "cursor", "last tick"], rows));
      }),
    );
  registerStartStop(sensors, "sensor");
  sensors
    .command("preview <name>")
    .description("evaluate the sensor once without launching anything or committing its cursor")
    .option("--cursor <cursor>", "evaluate from this cursor (default: the sensor's current cursor)")
    .action((name: string, flags: { cursor?: string }, command: Command) =>
      withProject(command, async (project) => {
        const instance = await project.storage();
        const state = await instance.getInstigatorState(name);
        const cursor = flags.cursor ?? state?.cursor;
        const result = await previewSensor(await project.definitions(), name, {
          instance,
          ...(cursor !== undefined ? { cursor } : {}),
          ...(state?.lastTickAt !== undefined ? { lastTickAt: state.lastTickAt } : {}),
        });
        process.stdout.write(`Cursor before: ${cursor ?? "(none)"}\n${describeTickResult(result)}`);
      }),
    );
  sensors
    .command("cursor <name>")
    .description("print a sensor's cursor, or change it with --set / --clear")
    .option("--set <cursor>", "set the cursor the next tick starts from")
    .option("--clear", "forget the cursor")
    .action((name: string, flags: { set?: string; clear?: boolean }, command: Command) =>
      withProject(command, async (project) => {
        const definitions = await project.definitions();
        const instance = await project.storage();
        if (flags.set !== undefined && flags.clear) throw new UsageError("[orch] [cli] Pass --set or --clear, not both.");
        if (flags.set !== undefined || flags.clear) {
          await setSensorCursor(definitions, instance, name, flags.set);
          process.stdout.write(flags.set !== undefined ? `Sensor ${name} cursor set to ${flags.set}.\n` : `Sensor ${name} cursor cleared.\n`);
          return;
        }
        if (!definitions.sensors.has(name)) await setSensorCursor(definitions, instance, name, undefined); // refuses unknown names
        process.stdout.write(`${(await instance.getInstigatorState(name))?.cursor ?? "(no cursor)"}\n`);
      }),
    );
}
