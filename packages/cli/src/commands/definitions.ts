import type { Command } from "commander";
import { withProject } from "../cli-context.ts";

export function registerDefinitions(program: Command): void {
  program
    .command("definitions")
    .description("work with the definitions module")
    .command("validate")
    .description("load and validate the definitions and orch.yaml, then print a summary")
    .action((_flags: unknown, command: Command) =>
      withProject(command, async (project) => {
        const definitions = await project.definitions();
        // Builds the configured executor too, so a bad executor name or config fails here rather than mid-run.
        const executor = await project.executor(definitions);
        await executor.teardown?.();
        const groups = new Map<string, number>();
        const specs = definitions.graph.specs();
        for (const spec of specs) groups.set(spec.group, (groups.get(spec.group) ?? 0) + 1);
        const list = (names: Iterable<string>) => [...names].join(", ") || "(none)";
        const lines = [
          `Definitions in ${project.modulePath} are valid.`,
          `  assets     ${specs.length}`,
          `  groups     ${groups.size}: ${[...groups].sort(([a], [b]) => a.localeCompare(b)).map(([g, n]) => `${g} (${n})`).join(", ") || "(none)"}`,
          `  resources  ${definitions.resources.size}: ${list(definitions.resources.keys())}`,
          `  jobs       ${definitions.jobs.size}: ${list(definitions.jobs.keys())}`,
          `  executor   ${executor.name}`,
        ];
        // orch.yaml keys that replace the definitions' own binding (`resources:`, `io.managers:`).
        for (const line of definitions.instance?.replaced ?? []) lines.push(`  replaced   ${line}`);
        process.stdout.write(lines.join("\n") + "\n");
      }),
    );
}
