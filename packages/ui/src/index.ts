import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Where the built app lives (`dist/app`): shipped in the published package, built on demand in the monorepo. */
export const UI_APP_DIR = fileURLToPath(new URL("../dist/app/", import.meta.url));
const UI_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Whether `dist/app/index.html` exists. */
export function isUiBuilt(): boolean {
  return existsSync(`${UI_APP_DIR}index.html`);
}

/**
 * Returns the built app's directory, building it with vite first when it is missing (a fresh clone: `orch dev`
 * right after `npm ci`, no build step to remember). A published package ships dist/app and never builds.
 */
export async function ensureUiBuilt(log: (line: string) => void = () => undefined): Promise<string> {
  if (isUiBuilt()) return UI_APP_DIR;
  const vite = "vite";
  const { build } = (await import(vite)) as { build: (config: { root: string; configFile: string; logLevel: string }) => Promise<unknown> };
  log("building the UI (first start in this checkout)…");
  await build({ root: UI_ROOT, configFile: `${UI_ROOT}vite.config.ts`, logLevel: "warn" });
  return UI_APP_DIR;
}
