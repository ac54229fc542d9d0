import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const CONFIG_FILE = "orch.yaml";

/**
 * The project folder: the nearest folder holding orch.yaml, from `cwd` up to the filesystem root (as git
 * finds `.git`), so a command run from `src/` or `data/` uses the same instance. Undefined when there is none.
 */
export function findProjectDir(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, CONFIG_FILE))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
