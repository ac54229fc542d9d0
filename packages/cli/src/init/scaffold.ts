import { existsSync, statSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { CORE_VERSION, OrchError } from "@orch/core";
import { templateFiles } from "./template-files.ts";

export interface ScaffoldOptions {
  /** Write into a folder that already holds files (files of the same name are replaced). */
  force?: boolean;
}

export interface Scaffolded {
  readonly dir: string;
  readonly files: readonly string[];
}

// Two levels below the package root, from src/init/ and dist/init/ alike.
const { version: CLI_VERSION } = createRequire(import.meta.url)("../../package.json") as { version: string };

/** Writes a new orch project into `dir` (created if needed); refuses a folder that holds anything unless forced. */
export async function scaffoldProject(target: string, options: ScaffoldOptions = {}): Promise<Scaffolded> {
  const dir = resolve(target);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw targetExists(`Cannot create a project in ${dir}: it is a file, not a directory.`, dir);
    const entries = await readdir(dir);
    if (entries.length > 0 && !options.force) {
      const shown = entries.slice(0, 5).join(", ") + (entries.length > 5 ? `, … (${entries.length} entries)` : "");
      throw targetExists(
        `${dir} is not empty (${shown}). Choose a new or empty directory, or pass --force to write the project files into it (files of the same name are replaced).`,
        dir,
      );
    }
  }
  const files = templateFiles(packageName(dir), { core: `^${CORE_VERSION}`, cli: `^${CLI_VERSION}` });
  for (const [path, text] of files) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return { dir, files: [...files.keys()] };
}

/** The folder's name as an npm package name: lower case, only the characters npm allows. */
export function packageName(dir: string): string {
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9._~-]+/g, "-").replace(/^[._-]+|-+$/g, "");
  return name || "orch-project";
}

function targetExists(message: string, dir: string): OrchError {
  return new OrchError("INIT_TARGET_EXISTS", message, { pkg: "cli", details: { dir } });
}
