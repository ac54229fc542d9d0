// `npm run bench -- <name> [args]`: runs tools/bench/src/<name>.ts in its own Node process (clean heap and RSS
// figures per benchmark). Every benchmark prints progress lines and ends with one JSON line of figures.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const [name, ...args] = process.argv.slice(2);
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "main.ts" && !f.startsWith("_"))
  .map((f) => f.slice(0, -3));

if (!name || !existsSync(join(here, `${name}.ts`))) {
  console.error(`usage: npm run bench -- <name>\navailable: ${available.join(", ")}`);
  process.exit(2);
}

const result = spawnSync(process.execPath, ["--expose-gc", "--conditions=@orch/source", join(here, `${name}.ts`), ...args], { stdio: "inherit" });
process.exit(result.status ?? 1);
