import { cancelRun, executeQueuedRun, ErrorCode, OrchError } from "@orch/core";
import type { Command } from "commander";
import { withProject } from "../cli-context.ts";
import { runSession } from "../run-session.ts";

/** `orch runs cancel <id>` and the child side of the process launcher, `orch runs execute <id>` (hidden). */
export function registerRunQueue(program: Command): void {
  const runs = program.commands.find((command) => command.name() === "runs")!;
  runs
    .command("cancel <run-id>")
    .description("cancel a run: a queued one at once, a running one through CANCELING")
    .action((runId: string, _flags: unknown, command: Command) =>
      withProject(command, async (project) => {
        const status = await cancelRun(await project.storage(), runId);
        process.stdout.write(
          status === "CANCELED" ? `${runId} CANCELED\n` : `${runId} CANCELING (the run's process stops its steps, tears resources down and ends it CANCELED)\n`,
        );
      }),
    );

  runs
    .command("execute <run-id>", { hidden: true })
    .description("run a queued run that the daemon claimed (the process launcher's child)")
    .action((runId: string, _flags: unknown, command: Command) =>
      withProject(command, async (project, globals) => {
        const definitions = await project.definitions();
        const instance = await project.storage();
        const run = await instance.getRun(runId);
        if (!run) throw new OrchError(ErrorCode.UNKNOWN_RUN, `Run "${runId}" does not exist in this instance.`, { pkg: "cli" });
        const executor = await project.executor(definitions, run.jobName !== undefined ? definitions.jobs.get(run.jobName)?.executor : undefined);
        return runSession(
          project,
          executor,
          globals.logFormat ?? "plain",
          (common) => executeQueuedRun(definitions, instance, runId, common),
          async () => runId,
        );
        // The daemon that launched this run watches its siblings' processes: it closes a dead one, saying how it died.
      }, { detectCrashes: false }),
    );
}
