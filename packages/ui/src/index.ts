import { existsSync, readdirSync, statSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where the built app lives (`dist/app`): shipped in the published package, built on demand in the monorepo. */
export const UI_APP_DIR = fileURLToPath(new URL("../dist/app/", import.meta.url));
const UI_ROOT = fileURLToPath(new URL("../", import.meta.url));
const INSTALLED = UI_ROOT.split(/[\\/]/).includes("node_modules");

/** Whether `dist/app/index.html` exists. */
export function isUiBuilt(): boolean {
  return existsSync(join(UI_APP_DIR, "index.html"));
}

/** In a checkout: whether a file of the app changed after the last build (an installed package never rebuilds). */
export function isUiStale(): boolean {
  if (INSTALLED || !isUiBuilt()) return !isUiBuilt();
  const built = statSync(join(UI_APP_DIR, "index.html")).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory() ? newer(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs > built));
  return newer(join(UI_ROOT, "app")) || statSync(join(UI_ROOT, "index.html")).mtimeMs > built;
}

/**
 * Returns the built app's directory, building it with vite first when it is missing or older than its sources
 * (a fresh clone: `orch dev` right after `npm ci`, no build step to remember). A published package ships
 * dist/app and never builds.
 */
export async function ensureUiBuilt(log: (line: string) => void = () => undefined, options: { readonly force?: boolean } = {}): Promise<string> {
  if (!options.force && !isUiStale()) return UI_APP_DIR;
  // Not a static import: vite is a development dependency, absent where the package is installed.
  const vite = "vite";
  const { build } = (await import(vite)) as { build: (config: object) => Promise<unknown> };
  log(options.force ? "building the UI…" : isUiBuilt() ? "rebuilding the UI (its sources changed)…" : "building the UI (first start in this checkout)…");
  // Built aside and renamed into place, so a process serving dist/app (or building it too) never sees half a build.
  const staging = join(UI_ROOT, "dist", `app-build-${process.pid}-${Date.now()}`);
  const old = join(UI_ROOT, "dist", `app-old-${process.pid}-${Date.now()}`);
  await build({ root: UI_ROOT, configFile: join(UI_ROOT, "vite.config.ts"), logLevel: "warn", build: { outDir: staging, emptyOutDir: true } });
  await rename(UI_APP_DIR, old).catch(() => undefined);
  await rename(staging, UI_APP_DIR).catch(async () => {
    // Another process put its build in place first: same sources, same output.
    await rm(staging, { recursive: true, force: true });
  });
  await rm(old, { recursive: true, force: true });
  return UI_APP_DIR;
}
