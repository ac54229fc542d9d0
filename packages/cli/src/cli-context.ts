import type { ConsoleLoggerMode } from "@orch/core";
import type { Command } from "commander";
import { Project, type ProjectOptions } from "./project.ts";

export interface GlobalOptions {
  module?: string;
  verbose?: boolean;
  logFormat?: ConsoleLoggerMode;
}

/** Opens the project for a command (crash detection runs when the instance opens) and closes it afterwards. */
export async function withProject(
  command: Command,
  work: (project: Project, globals: GlobalOptions) => Promise<number | void>,
  options: Pick<ProjectOptions, "detectCrashes"> = {},
): Promise<void> {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const project = await Project.open({
    ...options,
    ...(globals.module ? { module: globals.module } : {}),
    onCrashedRun: (run) => process.stderr.write(`Run ${run.runId} was marked FAILURE: ${run.statusReason} (${run.evidence}).\n`),
  });
  try {
    await project.storage();
    const code = await work(project, globals);
    if (typeof code === "number") process.exitCode = code;
  } finally {
    await project.close();
  }
}

/** Commander collector for repeatable options (`--tag a=1 --tag b=2`). */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
