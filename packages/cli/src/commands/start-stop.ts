import { setInstigatorStatus, type InstigatorKind } from "@orch/core";
import type { Command } from "commander";
import { withProject } from "../cli-context.ts";

/** `orch schedule|sensor start|stop <name>`: the status the daemon reads, kept in the instance. */
export function registerStartStop(group: Command, kind: InstigatorKind): void {
  const label = kind === "schedule" ? "Schedule" : "Sensor";
  for (const status of ["running", "stopped"] as const) {
    group
      .command(`${status === "running" ? "start" : "stop"} <name>`)
      .description(status === "running" ? `start a ${kind}${kind === "schedule" ? " (ticks count from now)" : ""}` : `stop a ${kind}`)
      .action((name: string, _flags: unknown, command: Command) =>
        withProject(command, async (project) => {
          await setInstigatorStatus(await project.definitions(), await project.storage(), kind, name, status);
          process.stdout.write(`${label} ${name} is ${status}.${status === "running" ? ` The daemon (orch daemon) ${kind === "schedule" ? "runs its ticks" : "evaluates it"}.` : ""}\n`);
        }),
      );
  }
}
