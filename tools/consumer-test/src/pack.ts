import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runOrThrow } from "./commands.ts";

interface PackedEntry {
  readonly name: string;
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

export interface Packed {
  /** Package name → absolute tarball path. */
  readonly tarballs: ReadonlyMap<string, string>;
  /** Package name → the files in its tarball. */
  readonly files: ReadonlyMap<string, readonly string[]>;
  /** Package name → its package.json (what the tarball holds). */
  readonly manifests: ReadonlyMap<string, { readonly exports?: Record<string, string | Record<string, string>> }>;
}

/** The workspaces the root package.json lists (`dir/*` globs) that are not private: what would be published. */
export function publishableWorkspaces(repoRoot: string): string[] {
  const root = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { workspaces: string[] };
  const dirs = root.workspaces.flatMap((glob) => {
    const parent = glob.replace(/\/\*$/, "");
    if (parent === glob) return [glob];
    const abs = join(repoRoot, parent);
    return existsSync(abs) ? readdirSync(abs).map((name) => `${parent}/${name}`) : [];
  });
  return dirs.filter((dir) => {
    const path = join(repoRoot, dir, "package.json");
    return existsSync(path) && !(JSON.parse(readFileSync(path, "utf8")) as { private?: boolean }).private;
  });
}

/** `npm pack` of every publishable workspace into `dest`: each package's prepack script builds its dist/ first. */
export async function packAll(repoRoot: string, dest: string): Promise<Packed> {
  const workspaces = publishableWorkspaces(repoRoot);
  const stdout = await runOrThrow("npm", ["pack", "--json", "--pack-destination", dest, ...workspaces.flatMap((w) => ["-w", w])], repoRoot);
  const entries = JSON.parse(stdout) as PackedEntry[];
  const manifests = new Map(workspaces.map((dir) => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, dir, "package.json"), "utf8")) as { name: string; exports?: Record<string, string | Record<string, string>> };
    return [pkg.name, pkg] as const;
  }));
  return {
    manifests,
    tarballs: new Map(entries.map((e) => [e.name, join(dest, e.filename)])),
    files: new Map(entries.map((e) => [e.name, e.files.map((f) => f.path)])),
  };
}

/**
 * Points a package.json at the tarballs: its own @orch/* dependencies become `file:` specs, and `overrides` make
 * the @orch/* dependencies of the tarballs themselves (e.g. @orch/cli → @orch/sqlite) resolve to tarballs too,
 * so npm never asks the registry for an unpublished @orch package.
 */
export function useTarballs<T extends { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>(
  pkg: T,
  tarballs: ReadonlyMap<string, string>,
): T & { overrides: Record<string, string> } {
  const spec = (name: string) => `file:${tarballs.get(name)}`;
  const rewrite = (deps: Record<string, string> | undefined) =>
    deps && Object.fromEntries(Object.entries(deps).map(([name, range]) => [name, tarballs.has(name) ? spec(name) : range]));
  return {
    ...pkg,
    ...(pkg.dependencies ? { dependencies: rewrite(pkg.dependencies) } : {}),
    ...(pkg.devDependencies ? { devDependencies: rewrite(pkg.devDependencies) } : {}),
    overrides: Object.fromEntries([...tarballs.keys()].map((name) => [name, spec(name)])),
  };
}
