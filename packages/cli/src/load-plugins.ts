import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Plugin } from "@orch/core";
import { UsageError } from "./exit-codes.ts";

const isPlugin = (value: unknown): value is Plugin => typeof value === "object" && value !== null && (value as Plugin).kind === "orch.plugin";

/**
 * Imports the plugin modules orch.yaml lists under `plugins:`, resolved from the project folder. A module gives
 * its default export or every named export made with definePlugin(). Nothing is discovered.
 */
export async function loadPlugins(specifiers: readonly string[], projectDir: string, configPath: string): Promise<Plugin[]> {
  const require = createRequire(join(projectDir, "orch.yaml"));
  const plugins: Plugin[] = [];
  for (const specifier of specifiers) {
    let resolved: string;
    try {
      resolved = require.resolve(specifier);
    } catch {
      throw new UsageError(`[orch] [cli] ${configPath}: plugin "${specifier}" cannot be found from ${projectDir}. Install it (npm install ${specifier}) or fix the path.`);
    }
    const mod = (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
    const found = isPlugin(mod["default"]) ? [mod["default"]] : Object.values(mod).filter(isPlugin);
    if (found.length === 0) throw new UsageError(`[orch] [cli] ${configPath}: module "${specifier}" exports no plugin made with definePlugin().`);
    for (const plugin of found) if (!plugins.includes(plugin)) plugins.push(plugin);
  }
  return plugins;
}
