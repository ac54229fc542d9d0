import { Command, Option } from "commander";
import { CORE_VERSION } from "@orch/core";
import { registerAsset } from "./commands/asset.ts";
import { registerDefinitions } from "./commands/definitions.ts";
import { registerInit } from "./commands/init.ts";
import { registerInstance } from "./commands/instance.ts";
import { registerMaterialize } from "./commands/materialize.ts";
import { registerReexecute } from "./commands/reexecute.ts";
import { registerRuns } from "./commands/runs.ts";
import { registerRunQueue } from "./commands/run-queue.ts";
import { registerDaemon } from "./commands/daemon.ts";
import { registerWorker } from "./commands/worker.ts";
import { registerSchedule } from "./commands/schedule.ts";
import { registerSensor } from "./commands/sensor.ts";
import { registerTicks } from "./commands/ticks.ts";
import { registerBackfill } from "./commands/backfill.ts";
import { registerDev, registerWebserver } from "./commands/webserver.ts";

/** The `orch` command tree. Usage errors throw (exitOverride) so main() decides the exit code. */
export function createProgram(): Command {
  const program = new Command("orch")
    .description("orch: software-defined assets for TypeScript")
    .version(CORE_VERSION)
    .option("-m, --module <path>", "definitions module (default: module: in the nearest orch.yaml, here or in a parent folder)")
    .option("--verbose", "print stack traces for errors")
    .addOption(new Option("--log-format <format>", "run progress: pretty (TTY), plain (CI) or json lines").choices(["pretty", "plain", "json"]))
    .showHelpAfterError("(run orch --help for usage)")
    .exitOverride();
  registerInit(program);
  registerMaterialize(program);
  registerReexecute(program);
  registerRuns(program);
  registerRunQueue(program);
  registerSchedule(program);
  registerSensor(program);
  registerTicks(program);
  registerBackfill(program);
  registerDaemon(program);
  registerWebserver(program);
  registerDev(program);
  registerWorker(program);
  registerAsset(program);
  registerDefinitions(program);
  registerInstance(program);
  for (const command of allCommands(program)) command.exitOverride();
  return program;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((c) => [c, ...allCommands(c)]);
}
