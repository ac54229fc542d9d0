import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { runOrThrow } from "./commands.ts";

interface LsNode {
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, LsNode>>;
}

/** Every package name in `npm ls --all --json` of the project in `dir`. */
export async function installedPackages(dir: string): Promise<Set<string>> {
  const tree = JSON.parse(await runOrThrow("npm", ["ls", "--all", "--json"], dir)) as LsNode;
  const names = new Set<string>();
  const visit = (node: LsNode) => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      names.add(name);
      visit(child);
    }
  };
  visit(tree);
  return names;
}

/** Packages under `dir/node_modules` that carry a compiled addon (`*.node`) or build one (`binding.gyp`). */
export function nativePackages(dir: string): string[] {
  const found = new Set<string>();
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith(".node") || entry.name === "binding.gyp") found.add(packageOf(relative(dir, child)));
    }
  };
  walk(join(dir, "node_modules"));
  return [...found].sort();
}

/** `node_modules/a/node_modules/@s/b/build/x.node` → `@s/b`. */
function packageOf(path: string): string {
  const parts = path.split(sep);
  const at = parts.lastIndexOf("node_modules");
  const name = parts[at + 1]!;
  return name.startsWith("@") ? `${name}/${parts[at + 2]}` : name;
}
