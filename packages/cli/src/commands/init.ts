import { relative } from "node:path";
import type { Command } from "commander";
import { scaffoldProject } from "../init/scaffold.ts";

export function registerInit(program: Command): void {
  program
    .command("init")
    .description("create a new orch project: package.json, tsconfig.json, orch.yaml, src/definitions.ts and a test")
    .argument("[dir]", "the project folder (created if needed)", ".")
    .option("--force", "write into a folder that is not empty (files of the same name are replaced)")
    .action(async (dir: string, flags: { force?: boolean }) => {
      const project = await scaffoldProject(dir, { force: flags.force === true });
      // The folder as the user typed it: the next commands run from where they are.
      const cd = relative(process.cwd(), project.dir) === "" ? "" : `cd ${/\s/.test(dir) ? JSON.stringify(dir) : dir} && `;
      process.stdout.write(
        [
          `Created an orch project in ${project.dir}: ${project.files.join(", ")}.`,
          "Next:",
          `  ${cd}npm install`,
          "  npx orch materialize --partition 2024-01-01",
          "",
        ].join("\n"),
      );
    });
}
