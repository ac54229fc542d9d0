import { reexecute } from "@orch/core";
import type { Command } from "commander";
import { withProject } from "../cli-context.ts";
import { UsageError } from "../exit-codes.ts";
import { runSession } from "../run-session.ts";

export function registerReexecute(program: Command): void {
  program
    .command("reexecute <run-id>")
    .description("run a finished run again as a new run linked to it; without flags every step runs again")
    .option("--from-failure", "run only the steps that failed, were skipped or never started; reuse the others' outputs")
    .option("--steps <keys>", "run only these steps (comma-separated step keys); reuse the others' outputs")
    .action((runId: string, flags: { fromFailure?: boolean; steps?: string }, command: Command) =>
      withProject(command, async (project, globals) => {
        if (flags.fromFailure && flags.steps !== undefined) throw new UsageError("[orch] [cli] Pass --from-failure or --steps, not both.");
        const steps = flags.steps?.split(",").map((s) => s.trim()).filter(Boolean);
        if (steps && steps.length === 0) throw new UsageError("[orch] [cli] --steps needs at least one step key.");
        const definitions = await project.definitions();
        const executor = await project.executor(definitions);
        return runSession(project, executor, globals.logFormat, (common) =>
          reexecute(definitions, runId, { ...common, ...(flags.fromFailure ? { fromFailure: true } : {}), ...(steps ? { steps } : {}) }),
        );
      }),
    );
}
